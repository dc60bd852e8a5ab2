"""Loading the form files shipped in reporting/data/forms (or another folder)."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from eduplan.core.errors import InputError
from eduplan.reporting.definitions import FormDefinition, definition_from_data
from eduplan.reporting.models import Form, FormVersion
from eduplan.reporting.services import form_load

FORMS_DIR = Path(__file__).resolve().parent / "data" / "forms"


def definitions_from_dir(folder: Path = FORMS_DIR) -> list[FormDefinition]:
    """Read and check every *.yaml form file in a folder, refusing the first bad one."""
    definitions = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            place = f"{path.name}:{mark.line + 1}:{mark.column + 1}" if mark else path.name
            raise InputError(
                _("not valid YAML: %(problem)s") % {"problem": getattr(exc, "problem", exc)},
                where=place,
            ) from None
        definitions.append(definition_from_data(data, source=path.name))
    if not definitions:
        raise InputError(_("no form files (*.yaml) found"), where=str(folder))
    return definitions


@transaction.atomic
def forms_load(folder: Path = FORMS_DIR) -> list[tuple[Form, FormVersion, bool]]:
    """Load every form in the folder, all or nothing."""
    return [form_load(definition=d) for d in definitions_from_dir(folder)]
