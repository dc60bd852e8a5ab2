"""Reading ledgers: which ledgers and records a user sees, filtered lists, rows as shown.

A user sees the records of units inside their scope (REPORT_VIEW); a private (person)
field's value is shown only to those who keep the record (`services.may_enter`), and
never on a public page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from eduplan.ledgers.definitions import LedgerDefinition
from eduplan.ledgers.metrics import metric_key
from eduplan.ledgers.models import Ledger, LedgerFile, LedgerRecord, RecordStatus, ReviewState
from eduplan.ledgers.services import definition_of, may_enter
from eduplan.ledgers.values import value_shown
from eduplan.org.access import User, scope_of
from eduplan.org.models import OrgUnit

ERR_NO_LEDGER = gettext_lazy("No ledger has the code “%(code)s”.")
HIDDEN = "—"
REVIEW_LABEL = gettext_lazy("Review")
PICKER_LIMIT = 3000


def ledger_get(code: str) -> Ledger:
    """The ledger by code, with its keeper and current version (404 if unknown)."""
    ledger = (
        Ledger.objects.select_related("current_version", "keeper_department")
        .filter(code=code, current_version__isnull=False)
        .first()
    )
    if ledger is None:
        raise Http404(ERR_NO_LEDGER % {"code": code})
    return ledger


def keeper_label(ledger: Ledger) -> str:
    if ledger.keeper_department is not None:
        return ledger.keeper_department.name
    return str(gettext_lazy("each unit for itself"))


@dataclass(frozen=True)
class LedgerSummary:
    ledger: Ledger
    definition: LedgerDefinition
    keeper: str
    records: int
    metrics: list[dict[str, str]]


def ledger_summaries(*, user: User | None) -> list[LedgerSummary]:
    """Every ledger with its active records (those the user sees; all without a user,
    for the command line), in two queries."""
    ledgers = list(
        Ledger.objects.select_related("current_version", "keeper_department").filter(
            current_version__isnull=False
        )
    )
    records = LedgerRecord.objects.filter(status=RecordStatus.ACTIVE)
    if user is not None:
        scope = scope_of(user)
        records = records.filter(unit_path__startswith=scope.path) if scope else records.none()
    counts = dict(
        records.order_by().values("ledger").annotate(n=Count("pk")).values_list("ledger", "n")
    )
    out = []
    for ledger in ledgers:
        assert ledger.current_version is not None
        definition = definition_of(ledger.current_version)
        metrics = [
            {
                "key": metric_key(ledger.code, m["code"]),
                "name": m["name"],
                "unit": m.get("unit", ""),
            }
            for m in definition.metrics
        ]
        out.append(
            LedgerSummary(
                ledger, definition, keeper_label(ledger), counts.get(ledger.pk, 0), metrics
            )
        )
    return out


def records_visible(*, user: User, ledger: Ledger) -> QuerySet[LedgerRecord]:
    """The ledger's records of units inside the user's scope (none without a scope)."""
    scope = scope_of(user)
    records = LedgerRecord.objects.filter(ledger=ledger).select_related("org_unit")
    return records.filter(unit_path__startswith=scope.path) if scope else records.none()


def records_filtered(
    records: QuerySet[LedgerRecord], *, definition: LedgerDefinition, params: Mapping[str, str]
) -> QuerySet[LedgerRecord]:
    """The records under the list's filters: status (active by default, retired, all),
    year, a unit and its subtree (code), a search text, and `f_<field>` for a choice field."""
    status = params.get("status") or RecordStatus.ACTIVE
    if status in RecordStatus.values:
        records = records.filter(status=status)
    year = (params.get("year") or "").strip()
    if year.isdigit():
        records = records.filter(year=int(year))
    org = (params.get("org") or "").strip()
    if org and not OrgUnit.objects.filter(code=org).exists():
        named = list(OrgUnit.objects.filter(name=org).values_list("code", flat=True)[:2])
        org = named[0] if len(named) == 1 else org  # a unit's name, when only one has it
    if org:
        records = records.filter(Q(org_unit__code=org) | Q(unit_path__contains=f"/{org}/"))
    q = (params.get("q") or "").strip()
    if q:
        records = records.filter(Q(search__icontains=q) | Q(org_unit__name__icontains=q))
    for field in definition.fields:
        wanted = (params.get(f"f_{field['code']}") or "").strip()
        if wanted and field["type"] in {"choice", "yes_no"}:
            value: Any = wanted == "是" if field["type"] == "yes_no" else wanted
            records = records.filter(**{f"data__{field['code']}": value})
    return records.order_by("-on", "-pk")


@dataclass(frozen=True)
class RecordRow:
    record: LedgerRecord
    cells: list[str]


def columns(definition: LedgerDefinition, *, public_only: bool = False) -> list[dict[str, Any]]:
    if public_only:
        return [f for f in definition.fields if f.get("public") and f["type"] != "person"]
    return list(definition.fields)


def unit_names(definition: LedgerDefinition, records: Iterable[LedgerRecord]) -> dict[str, str]:
    """The names of the units the records' unit fields name, by code (one query)."""
    fields = [f["code"] for f in definition.fields if f["type"] == "unit"]
    codes = {str(r.data[c]) for r in records for c in fields if r.data.get(c)}
    return dict(OrgUnit.objects.filter(code__in=codes).values_list("code", "name"))


def record_cells(
    definition: LedgerDefinition,
    record: LedgerRecord,
    shown: list[dict[str, Any]],
    *,
    private: bool,
    names: Mapping[str, str] | None = None,
) -> list[str]:
    """The record's values for the columns `shown` as people read them (units by name);
    person fields as "—" unless `private`."""
    return [
        HIDDEN
        if f["type"] == "person" and not private
        else record.org_unit.name
        if f["code"] == definition.unit_field
        else value_shown(f, record.data.get(f["code"]), names or {})
        for f in shown
    ]


def record_rows(
    *,
    user: User | None,
    ledger: Ledger,
    definition: LedgerDefinition,
    records: Any,
    shown: list[dict[str, Any]],
) -> list[RecordRow]:
    """Rows as the user may see them (no user: the public, who never see a person field)."""
    records = list(records)
    names = unit_names(definition, records)
    return [
        RecordRow(
            r,
            record_cells(
                definition,
                r,
                shown,
                private=user is not None and may_enter(user, ledger, r.org_unit),
                names=names,
            ),
        )
        for r in records
    ]


def unit_choices(*, user: User, field: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, code) of the units inside the user's scope a unit field takes, for the
    form's picker (bounded)."""
    scope = scope_of(user)
    if scope is None:
        return []
    units = OrgUnit.objects.filter(path__startswith=scope.path)
    by_choice = (field.get("unit_types_by") or {}).get("types", {}).values()
    kinds = set(field.get("unit_types") or []) or {k for listed in by_choice for k in listed}
    if kinds:
        units = units.filter(type__in=kinds)
    return list(units.order_by("path").values_list("name", "code")[:PICKER_LIMIT])


def _event_value(definition: LedgerDefinition, code: str, value: Any, names: dict[str, str]) -> str:
    field = definition.by_code.get(code)
    if field is not None:
        return value_shown(field, value, names)
    if code == "status" and value in RecordStatus.values:
        return str(RecordStatus(value).label)
    if code == "review" and value in ReviewState.values:  # a review step, by its state
        return str(ReviewState(value).label)
    return "" if value is None else str(value)


def record_history(record: LedgerRecord, definition: LedgerDefinition) -> list[dict[str, Any]]:
    """Each change of the record (who, when, what) with its fields' old and new values as
    people read them (units by name, yes/no as 是/否, a person's value masked)."""
    events = list(record.events.select_related("user").order_by("at", "pk"))
    units = {f["code"] for f in definition.fields if f["type"] == "unit"}
    codes = {
        str(v) for e in events for k, v in [*e.old.items(), *e.new.items()] if k in units and v
    }
    names = dict(OrgUnit.objects.filter(code__in=codes).values_list("code", "name"))
    return [
        {
            "event": e,
            "changes": [
                (
                    definition.by_code.get(k, {}).get(
                        "label", REVIEW_LABEL if k == "review" else k
                    ),
                    _event_value(definition, k, old, names),
                    _event_value(definition, k, new, names),
                )
                for k, old, new in e.changes()
            ],
        }
        for e in events
    ]


def record_files(record: LedgerRecord) -> list[LedgerFile]:
    """The files uploaded into a record, newest first."""
    return list(record.files.select_related("uploaded_by"))


def records_public(ledger: Ledger) -> QuerySet[LedgerRecord]:
    """The active, approved records of a public ledger (none of a ledger that is not
    public)."""
    assert ledger.current_version is not None
    if not definition_of(ledger.current_version).public:
        return LedgerRecord.objects.none()
    return (
        LedgerRecord.objects.filter(
            ledger=ledger, status=RecordStatus.ACTIVE, review=ReviewState.APPROVED
        )
        .select_related("org_unit")
        .order_by("-on", "-pk")
    )
