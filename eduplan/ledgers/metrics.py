"""Metrics declared in ledger files: `ledger.<ledger>.<metric>`, resolved on demand.

Each metric compiles to one queryset over the record table (JSON key lookups that run on
SQLite and PostgreSQL alike), with the contract's columns: `unit_path` (copied onto the
record), `period` (the month of the record's date, or of another date field), `num` and
`den`. Only active, approved records count (a reviewed ledger's record submitted or
returned is not yet a fact: ledgers/review.py), and a ledger lists everything it counts,
so no record means none (`absent_is_zero`). A new ledger file brings its metrics with it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import DecimalField, F, Min, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Concat, Substr

from eduplan.core.figure_store import register_source
from eduplan.core.metrics import Metric, OverTime, OverUnits, Rows, register_family
from eduplan.ledgers.definitions import LedgerDefinition
from eduplan.ledgers.models import Ledger, LedgerRecord, RecordStatus, ReviewState

PREFIX = "ledger"
NUMBER = DecimalField(max_digits=20, decimal_places=4)


def metric_key(ledger_code: str, metric_code: str) -> str:
    return f"{PREFIX}.{ledger_code}.{metric_code}"


def _selected(ledger_id: int, spec: dict[str, Any]) -> QuerySet[LedgerRecord]:
    rows = LedgerRecord.objects.filter(
        ledger_id=ledger_id, status=RecordStatus.ACTIVE, review=ReviewState.APPROVED
    )
    for code, wanted in (spec.get("where") or {}).items():
        if isinstance(wanted, list):
            rows = rows.filter(**{f"data__{code}__in": wanted})
        else:
            rows = rows.filter(**{f"data__{code}": wanted})
    return rows


def _dated(rows: QuerySet[LedgerRecord], date: str | None, periods: list[str]) -> QuerySet[Any]:
    """The rows whose month (of the record's date, or of the date field `date`) is one of
    `periods`, with that month as `period`."""
    if date is None:
        return rows.filter(month__in=periods).annotate(period=F("month"))
    text = KeyTextTransform(date, "data")
    return rows.annotate(period=Concat(Substr(text, 1, 4), Substr(text, 6, 2))).filter(
        period__in=periods
    )


def ledger_rows(ledger_id: int, spec: dict[str, Any], definition: LedgerDefinition) -> Rows:
    """The metric's rows for a list of monthly period codes."""
    date = spec.get("date")
    date = None if date == definition.date_field else date
    kind = spec.get("kind", "count")
    one = Value(1, output_field=NUMBER)

    def rows(periods: list[str]) -> QuerySet[Any]:
        found = _dated(_selected(ledger_id, spec), date, periods)
        if kind == "distinct_units":
            firsts = found.order_by().values("unit_path").annotate(first=Min("pk")).values("first")
            return LedgerRecord.objects.filter(pk__in=firsts).annotate(
                period=F("month"), num=one, den=one
            )
        if kind in {"sum", "latest"}:
            value = Cast(KeyTextTransform(spec["field"], "data"), NUMBER)
            filled: QuerySet[Any] = found.filter(**{f"data__{spec['field']}__isnull": False})
            summed: QuerySet[Any] = filled.annotate(num=value, den=one)
            return summed
        counted: QuerySet[Any] = found.annotate(num=one, den=one)
        return counted

    return rows


def ledger_metric(key: str) -> Metric | None:
    """The metric a ledger's current definition declares under `key`, or None."""
    _prefix, _dot, rest = key.partition(".")
    ledger_code, _dot, metric_code = rest.partition(".")
    ledger = Ledger.objects.select_related("current_version").filter(code=ledger_code).first()
    if ledger is None or ledger.current_version is None:
        return None
    definition = LedgerDefinition(ledger.current_version.definition)
    spec = definition.metric(metric_code)
    if spec is None:
        return None
    latest = spec.get("kind") == "latest"
    return Metric(
        key=key,
        name=spec["name"],
        unit=spec.get("unit", ""),
        over_units=OverUnits.SUM,
        over_time=OverTime.LATEST if latest else OverTime.SUM,
        period_type="monthly",
        rows=ledger_rows(ledger.pk, spec, definition),
        provider="ledgers",
        description=spec.get("description", "") or f"{definition.name}（台账）",
        absent_is_zero=True,
    )


def register_metrics() -> None:
    register_sources()
    register_family(PREFIX, ledger_metric, provider="ledgers")


def register_sources() -> None:
    """A record counts for its unit (marked for the figures store); a ledger's definition
    decides what every record counts (all units are marked: rare)."""
    register_source(LedgerRecord, lambda r: [r.org_unit_id], moves=True)
    register_source(Ledger, lambda ledger: None)
