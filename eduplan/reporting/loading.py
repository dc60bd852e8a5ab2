"""Loading the form files shipped in reporting/data/forms (or another folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from eduplan.core.errors import InputError
from eduplan.core.loading import place_of, yaml_file_load
from eduplan.org.models import OrgUnit, UnitType
from eduplan.reporting.definitions import FormDefinition, definition_from_data
from eduplan.reporting.models import Form, FormVersion
from eduplan.reporting.services import form_load

FORMS_DIR = Path(__file__).resolve().parent / "data" / "forms"


def _form_files(folder: Path) -> list[tuple[FormDefinition, Any, str]]:
    """(definition, data read, file name) for every *.yaml file in the folder, checked;
    refuses the first bad one, and a form code that two files use."""
    read: list[tuple[FormDefinition, Any, str]] = []
    files: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        data = yaml_file_load(path=path)
        definition = definition_from_data(data, source=path.name)
        if definition.code in files:
            raise InputError(
                _("the form code %(code)s is used by %(file)s too")
                % {"code": definition.code, "file": files[definition.code]},
                where=place_of(data=data, path=("code",), source=path.name),
            )
        files[definition.code] = path.name
        read.append((definition, data, path.name))
    if not read:
        raise InputError(_("no form files (*.yaml) found"), where=str(folder))
    return read


def definitions_from_dir(folder: Path = FORMS_DIR) -> list[FormDefinition]:
    """Read and check every *.yaml form file in a folder, refusing the first bad one."""
    return [definition for definition, _data, _name in _form_files(folder)]


@transaction.atomic
def forms_load(folder: Path = FORMS_DIR) -> list[tuple[Form, FormVersion, bool]]:
    """Load every form in the folder, all or nothing: every file is checked, and every
    owner department found, before the first form is written."""
    read = _form_files(folder)
    departments = set(
        OrgUnit.objects.filter(
            code__in={d.owner for d, _data, _name in read}, type=UnitType.DEPARTMENT
        ).values_list("code", flat=True)
    )
    for definition, data, name in read:
        if definition.owner not in departments:
            raise InputError(
                _("unknown department: %(code)s") % {"code": definition.owner},
                where=place_of(data=data, path=("owner",), source=name),
            )
    return [form_load(definition=d) for d, _data, _name in read]
