"""Writing ledgers: loading definitions, and creating, changing and retiring records.

Every write checks the user's right (org/access.py: REPORT_ENTER on the keeping
department, or on the record's unit when units keep their own records), checks every
value against the record's definition, refuses a duplicate key, and appends the change
to the record's history. A stale revision is a ConflictError, never a lost update.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.figures_cache import figures_changed
from eduplan.core.loading import file_bytes_read, place_of, yaml_file_load
from eduplan.ledgers.definitions import YEAR, LedgerDefinition, definition_from_data
from eduplan.ledgers.models import (
    EventKind,
    Ledger,
    LedgerFile,
    LedgerRecord,
    LedgerRecordEvent,
    LedgerVersion,
    RecordStatus,
)
from eduplan.ledgers.review import keeper_level_allows, review_department_check, review_initial
from eduplan.ledgers.values import (
    UnitIndex,
    unit_codes,
    units_index,
    value_shown,
    values_clean,
)
from eduplan.org.access import Action, User, actor_of, can, scope_of
from eduplan.org.models import OrgUnit, UnitType
from eduplan.reporting.idempotency import KeyReused
from eduplan.reporting.services import ConflictError, FieldProblem, SubmissionInvalid

LEDGERS_DIR = Path(__file__).resolve().parent / "data"
PRIVATE_MASK = "******"
ERR_DUPLICATE = gettext_lazy("A record with the same %(fields)s exists already (record %(id)s).")
ERR_STALE = gettext_lazy(
    "This record was changed by someone else since you opened it (now revision %(now)s); "
    "reload it and make your change again."
)
ERR_RETIRED = gettext_lazy("This record is retired and cannot be changed.")
ERR_REASON = gettext_lazy("A reason is required.")
ERR_OUT_OF_SCOPE = gettext_lazy("You may not keep this ledger's records for %(unit)s.")
ERR_NOT_FILE_FIELD = gettext_lazy("“%(code)s” is not a file field of this ledger.")
ERR_FILE_EMPTY = gettext_lazy("The file %(name)s is empty.")
ERR_FILE_TOO_LARGE = gettext_lazy("The file %(name)s is %(size)s; a file may be at most %(max)s.")


# Definitions ----------------------------------------------------------------------------


def definition_of(version: LedgerVersion) -> LedgerDefinition:
    return LedgerDefinition(version.definition)


@transaction.atomic
def ledger_load(*, definition: LedgerDefinition, where: str = "") -> tuple[Ledger, bool]:
    """Create or update a ledger; a changed definition becomes a new version (created
    True), an unchanged one is left as it is."""
    department = None
    code = definition.keeper.get("department")
    if code:
        department = OrgUnit.objects.filter(code=code, type=UnitType.DEPARTMENT).first()
        if department is None:
            raise InputError(_("unknown department: %(code)s") % {"code": code}, where=where)
    review_department_check(definition, where=where)
    ledger, _new = Ledger.objects.get_or_create(
        code=definition.code, defaults={"name": definition.name}
    )
    ledger.name, ledger.keeper_department = definition.name, department
    version = LedgerVersion.objects.filter(ledger=ledger, digest=definition.digest).first()
    created = version is None
    if version is None:
        number = ledger.versions.count() + 1
        version = LedgerVersion.objects.create(
            ledger=ledger, number=number, digest=definition.digest, definition=definition.data
        )
    ledger.current_version = version
    ledger.save(update_fields=["name", "keeper_department", "current_version"])
    figures_changed()
    return ledger, created


def ledger_data_load(*, data: Any, source: str) -> tuple[Ledger, bool]:
    """Check a ledger file's data (read by `core.loading`) and load it."""
    definition = definition_from_data(data, source=source)
    where = place_of(data=data, path=("keeper", "department"), source=source)
    return ledger_load(definition=definition, where=where)


def _ledger_file(path: Path) -> tuple[LedgerDefinition, str, str]:
    """(definition, place of its code, place of its keeper) of a YAML or XLSForm file."""
    if path.suffix == ".xlsx":
        from eduplan.ledgers.xlsform import xlsform_definition

        definition = xlsform_definition(data=file_bytes_read(path=path), source=path.name)
        return definition, f"{path.name} settings", f"{path.name} settings"
    data = yaml_file_load(path=path)
    return (
        definition_from_data(data, source=path.name),
        place_of(data=data, path=("code",), source=path.name),
        place_of(data=data, path=("keeper", "department"), source=path.name),
    )


def _ledger_files(folder: Path) -> list[tuple[LedgerDefinition, str]]:
    read: list[tuple[LedgerDefinition, str]] = []
    files: dict[str, str] = {}
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.xlsx")])
    for path in paths:
        definition, where, keeper = _ledger_file(path)
        if definition.code in files:
            raise InputError(
                _("the ledger code %(code)s is used by %(file)s too")
                % {"code": definition.code, "file": files[definition.code]},
                where=where,
            )
        files[definition.code] = path.name
        read.append((definition, keeper))
    if not read:
        raise InputError(_("no ledger files (*.yaml) found"), where=str(folder))
    return read


@transaction.atomic
def ledgers_load(*, folder: Path = LEDGERS_DIR) -> list[tuple[Ledger, bool]]:
    """Load every ledger file of a folder, all or nothing."""
    return [ledger_load(definition=d, where=w) for d, w in _ledger_files(folder)]


# Access ---------------------------------------------------------------------------------


def may_enter(user: User, ledger: Ledger, unit: OrgUnit) -> bool:
    """Whether the user keeps this ledger for the unit: the keeping department's staff
    (for units in their scope), or whoever enters reports for the unit."""
    if ledger.keeper_department is not None:
        return can(user, Action.REPORT_ENTER, ledger.keeper_department) and can(
            user, Action.REPORT_VIEW, unit
        )
    return can(user, Action.REPORT_ENTER, unit) and keeper_level_allows(user, ledger, unit)


def enter_require(user: User, ledger: Ledger, unit: OrgUnit) -> None:
    if not may_enter(user, ledger, unit):
        raise PermissionDenied(_("You may not do this here."))


def keeps_somewhere(user: User, ledger: Ledger) -> bool:
    """Whether the user keeps this ledger for some unit: its department's staff, or (a
    ledger each unit keeps) whoever enters reports in their scope."""
    if ledger.keeper_department is not None:
        return can(user, Action.REPORT_ENTER, ledger.keeper_department)
    scope = scope_of(user)
    return scope is not None and can(user, Action.REPORT_ENTER, scope)


def unit_require(user: User, ledger: Ledger, definition: LedgerDefinition, unit: OrgUnit) -> None:
    """The record's unit is one the user keeps it for: refused with the unit field (400)
    for a keeper naming a unit outside their reach, forbidden (403) for anyone else."""
    if may_enter(user, ledger, unit):
        return
    if not keeps_somewhere(user, ledger):
        raise PermissionDenied(_("You may not do this here."))
    message = str(ERR_OUT_OF_SCOPE % {"unit": unit.name})
    raise SubmissionInvalid([FieldProblem(definition.unit_field, message)])


# Records --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """A record's values checked, with the columns they give."""

    data: dict[str, Any]
    unit: OrgUnit
    on: datetime.date
    key: str
    names: dict[str, str]  # the names of the units the values name, by code


def record_key(definition: LedgerDefinition, data: Mapping[str, Any], on: datetime.date) -> str:
    """The unique key's values joined, or "" when the ledger declares none."""
    parts = [
        str(on.year) if code == YEAR else str(data.get(code, "")) for code in definition.unique
    ]
    return "|".join(parts)[:300] if parts else ""


def record_place(
    definition: LedgerDefinition, raw: Mapping[str, Any], units: Mapping[str, OrgUnit]
) -> tuple[Placed | None, list[FieldProblem]]:
    """Check a record's values; (the placed record, []) or (None, every problem)."""
    data, problems = values_clean(definition, raw, units)
    if problems:
        return None, problems
    unit = units[data[definition.unit_field]]
    on = datetime.date.fromisoformat(data[definition.date_field])
    names = {
        data[f["code"]]: units[data[f["code"]]].name
        for f in definition.fields
        if f["type"] == "unit" and f["code"] in data
    }
    return Placed(data, unit, on, record_key(definition, data, on), names), []


def units_for(
    definition: LedgerDefinition, raws: Iterable[Mapping[str, Any]], *, user: User | None
) -> UnitIndex:
    """The units the records name, by code or name (a shared name read inside the
    user's scope)."""
    codes: set[str] = set()
    for raw in raws:
        codes |= unit_codes(definition, raw)
    return units_index(codes, within=scope_of(user) if user is not None else None)


def files_check(
    definition: LedgerDefinition, files: Mapping[str, UploadedFile[Any]]
) -> list[FieldProblem]:
    """Every upload goes to a file field and is within the size limit (settings)."""
    limit = settings.EDUPLAN_UPLOAD_MAX_BYTES
    problems = []
    for code, upload in files.items():
        field = definition.by_code.get(code)
        name = upload.name or code
        if field is None or field["type"] != "file":
            problems.append(FieldProblem(code, str(ERR_NOT_FILE_FIELD % {"code": code})))
        elif not upload.size:
            problems.append(FieldProblem(code, str(ERR_FILE_EMPTY % {"name": name})))
        elif upload.size > limit:
            sizes = {"name": name, "size": filesizeformat(upload.size)}
            message = ERR_FILE_TOO_LARGE % {**sizes, "max": filesizeformat(limit)}
            problems.append(FieldProblem(code, str(message)))
    return problems


def _with_files(
    values: Mapping[str, Any], files: Mapping[str, UploadedFile[Any]]
) -> dict[str, Any]:
    """The values with each uploaded file's name as its field's value."""
    return {**values, **{code: (f.name or code)[:200] for code, f in files.items()}}


def _files_store(record: LedgerRecord, files: Mapping[str, UploadedFile[Any]], user: User) -> None:
    for code, upload in files.items():
        LedgerFile.objects.create(
            record=record,
            field=code,
            file=upload,
            name=(upload.name or code)[:200],
            size=upload.size or 0,
            uploaded_by=actor_of(user),
        )


def _duplicate(ledger: Ledger, definition: LedgerDefinition, key: str, pk: int | None) -> None:
    if not key:
        return
    found = LedgerRecord.objects.filter(ledger=ledger, key=key, status=RecordStatus.ACTIVE)
    if pk is not None:
        found = found.exclude(pk=pk)
    other = found.values_list("pk", flat=True).first()
    if other is not None:
        names = "、".join(
            _("year") if c == YEAR else definition.by_code[c]["label"] for c in definition.unique
        )
        raise SubmissionInvalid(
            [
                FieldProblem(
                    definition.unique[0], str(ERR_DUPLICATE % {"fields": names, "id": other})
                )
            ]
        )


def masked(definition: LedgerDefinition, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values with every private field's value hidden (for history and logs)."""
    private = definition.private_codes()
    return {k: (PRIVATE_MASK if k in private else v) for k, v in values.items()}


def search_text(
    definition: LedgerDefinition, data: Mapping[str, Any], names: Mapping[str, str] | None = None
) -> str:
    """The record's values as shown (units by code and name), private fields left out."""
    private = definition.private_codes()
    shown = [
        value_shown(f, data.get(f["code"])) for f in definition.fields if f["code"] not in private
    ]
    return " ".join([*shown, *(names or {}).values()])[:4000]


def record_new(
    *,
    ledger: Ledger,
    definition: LedgerDefinition,
    version: LedgerVersion,
    placed: Placed,
    user: User | None,
    key: str = "",
) -> LedgerRecord:
    """An unsaved record with its columns filled from its checked values."""
    return LedgerRecord(
        ledger=ledger,
        version=version,
        org_unit=placed.unit,
        unit_path=placed.unit.path,
        on=placed.on,
        year=placed.on.year,
        month=f"{placed.on.year}{placed.on.month:02d}",
        key=placed.key,
        data=placed.data,
        search=search_text(definition, placed.data, placed.names),
        review=review_initial(definition),
        created_by=actor_of(user),
        idempotency_key=key,
    )


def _replay(user: User, ledger: Ledger, key: str, data: Mapping[str, Any]) -> LedgerRecord | None:
    actor = actor_of(user)
    if not key or actor is None:
        return None
    found = LedgerRecord.objects.filter(created_by=actor, idempotency_key=key).first()
    if found is not None and (found.ledger_id != ledger.pk or found.data != data):
        raise KeyReused(key)
    return found


def _placed(
    *,
    user: User,
    definition: LedgerDefinition,
    values: Mapping[str, Any],
    files: Mapping[str, UploadedFile[Any]],
) -> Placed:
    """The values (with the uploads' names) checked, or every problem at once."""
    values = _with_files(values, files)
    placed, problems = record_place(definition, values, units_for(definition, [values], user=user))
    problems = [*problems, *files_check(definition, files)]
    if placed is None or problems:
        raise SubmissionInvalid(problems)
    return placed


@transaction.atomic
def record_create(
    *,
    user: User,
    ledger: Ledger,
    values: Mapping[str, Any],
    idempotency_key: str = "",
    files: Mapping[str, UploadedFile[Any]] | None = None,
) -> LedgerRecord:
    """Add a record (checked, unique, by its keeper), with its first history entry and its
    uploaded files. A retry with the same idempotency key returns the first record."""
    assert ledger.current_version is not None
    definition = definition_of(ledger.current_version)
    if not keeps_somewhere(user, ledger):
        raise PermissionDenied(_("You may not do this here."))
    files = files or {}
    placed = _placed(user=user, definition=definition, values=values, files=files)
    unit_require(user, ledger, definition, placed.unit)
    replay = _replay(user, ledger, idempotency_key, placed.data)
    if replay is not None:
        return replay
    _duplicate(ledger, definition, placed.key, None)
    record = record_new(
        ledger=ledger,
        definition=definition,
        version=ledger.current_version,
        placed=placed,
        user=user,
        key=idempotency_key,
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # a concurrent twin got in first
        _duplicate(ledger, definition, placed.key, None)
        raise
    LedgerRecordEvent.objects.create(
        record=record,
        kind=EventKind.CREATE,
        user=record.created_by,
        new=masked(definition, placed.data),
    )
    _files_store(record, files, user)
    figures_changed([record.org_unit_id], provider="ledgers")
    return record


def _locked(user: User, record: LedgerRecord, revision: int | None) -> LedgerRecord:
    """The record locked for a change by one who may keep it: permission is checked
    before its revision and status, so one who may not learns nothing of them (403)."""
    locked = LedgerRecord.objects.select_for_update().select_related("ledger").get(pk=record.pk)
    enter_require(user, locked.ledger, locked.org_unit)
    if revision is not None and revision != locked.revision:
        raise ConflictError(str(ERR_STALE % {"now": locked.revision}))
    if locked.status != RecordStatus.ACTIVE:
        raise InputError(str(ERR_RETIRED), where="status")
    return locked


FILLED = (
    "version", "org_unit", "unit_path", "on", "year", "month", "key", "data", "search",
    "review", "review_reason",
)  # fmt: skip


def _changed(
    definition: LedgerDefinition, old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
    return (
        masked(definition, {k: old.get(k) for k in keys}),
        masked(definition, {k: new.get(k) for k in keys}),
    )


@transaction.atomic
def record_update(
    *,
    user: User,
    record: LedgerRecord,
    values: Mapping[str, Any],
    revision: int | None,
    files: Mapping[str, UploadedFile[Any]] | None = None,
) -> LedgerRecord:
    """Change the record's values sent (a field sent blank is cleared, a field not sent
    keeps its value) against the ledger's current definition, with new uploads; a stale
    revision is a ConflictError."""
    locked = _locked(user, record, revision)
    ledger = locked.ledger
    assert ledger.current_version is not None
    definition = definition_of(ledger.current_version)
    files = files or {}
    kept = {
        code: value
        for code, value in locked.data.items()
        if code not in values and code in definition.by_code
    }
    values = {**kept, **values}
    placed = _placed(user=user, definition=definition, values=values, files=files)
    unit_require(user, ledger, definition, placed.unit)
    _duplicate(ledger, definition, placed.key, locked.pk)
    _files_store(locked, files, user)
    old, new = _changed(definition, locked.data, placed.data)
    if not old and not new:
        return locked
    fresh = record_new(
        ledger=ledger,
        definition=definition,
        version=ledger.current_version,
        placed=placed,
        user=None,
    )
    was = locked.review
    for name in FILLED:
        setattr(locked, name, getattr(fresh, name))
    locked.revision += 1
    locked.save(update_fields=[*FILLED, "revision", "updated_at"])
    LedgerRecordEvent.objects.create(
        record=locked,
        kind=EventKind.UPDATE,
        user=actor_of(user),
        old=old,
        new=new,
    )
    if was != locked.review:  # a changed record goes back to its reviewer
        LedgerRecordEvent.objects.create(
            record=locked,
            kind=EventKind.SUBMIT,
            user=actor_of(user),
            old={"review": was},
            new={"review": locked.review},
        )
    figures_changed(
        [locked.org_unit_id], provider="ledgers"
    )  # a unit it moved from: marked by the signal
    return locked


@transaction.atomic
def record_retire(
    *, user: User, record: LedgerRecord, reason: str, revision: int | None
) -> LedgerRecord:
    """Retire a record with a reason: it stays in the history and leaves every figure."""
    locked = _locked(user, record, revision)
    if not reason.strip():
        raise InputError(str(ERR_REASON), where="reason")
    locked.status = RecordStatus.RETIRED
    locked.retired_reason = reason.strip()[:500]
    locked.revision += 1
    locked.save(update_fields=["status", "retired_reason", "revision", "updated_at"])
    LedgerRecordEvent.objects.create(
        record=locked,
        kind=EventKind.RETIRE,
        user=actor_of(user),
        old={"status": RecordStatus.ACTIVE},
        new={"status": RecordStatus.RETIRED},
        reason=locked.retired_reason,
    )
    figures_changed([locked.org_unit_id], provider="ledgers")
    return locked
