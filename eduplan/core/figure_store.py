"""The figures store: every metric's figures per org unit and period, kept current.

A metric's rows (a provider's queryset: `unit_path`, `period`, `num`, `den`) are added
up once per unit and period into `UnitFigure`, and once per unit *and everything beneath
it* into `TreeFigure`, the roll-up over the tree. Pages read a handful of `TreeFigure`
rows (`figure_reads.py`) instead of aggregating the registers on every change.

Kept current, not recomputed:
- a write marks the org units whose rows it may have moved (`units_changed`, through the
  model signals each provider registers with `register_source`, or by hand after a bulk
  write), in the writing transaction; a bulk write of many units marks its provider as a
  whole (and the period, if one), whose metrics (that period of them) are built again;
- the marks are worked off right after commit by the task queue, and, at the latest, by
  the next reader, before it reads: a reader never sees figures older than the data it
  could read itself. Working off a mark recomputes that unit's own rows only and moves
  its ancestors' roll-ups by the difference, so an approval costs the same whatever the
  size of the tree;
- a metric is built whole the first time it is read (`metric_stored`), and
  `figure_rebuild.store_rebuild()` (`eduplan figures rebuild`) builds every stored metric
  again from the rows, for repair; the property tests prove the kept and the rebuilt
  figures equal.

One writer at a time works on the store (a row lock); writers of data only insert marks.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Count,
    Model,
    QuerySet,
    Sum,
)
from django.db.models.signals import post_delete, post_save, pre_save

from eduplan.core.db import statistics_refresh
from eduplan.core.figure_parts import (
    EVERY_PROVIDER,
    PART_MARK,
    metric_part,
    raise_parts,
    refresh_after_commit,
    rows_part,
    settings_digest,
)
from eduplan.core.figures_cache import figures_changed
from eduplan.core.metrics import (
    Metric,
    OverTime,
    UnknownMetric,
    metric,
    metric_providers,
)
from eduplan.core.models import (
    DataStamp,
    FigureDirty,
    FigurePath,
    StoredMetric,
    TreeFigure,
    UnitFigure,
)
from eduplan.core.periods import Period, PeriodType, periods_between

logger = logging.getLogger(__name__)

LOCK = "figure-store"  # the DataStamp row the store's one writer locks
EVERYTHING = 0  # a mark for every unit: a bulk write that did not say which
FIRST_YEAR = 2000
YEARS_AHEAD = 10


def span(kind: str) -> list[str]:
    """The periods the store holds for a period type: from FIRST_YEAR to YEARS_AHEAD years
    after this one. A figure asked outside it is counted from the rows, as before."""
    period_type = PeriodType(kind)
    first = Period(FIRST_YEAR, period_type, 1)
    last_year = datetime.date.today().year + YEARS_AHEAD
    last = Period(last_year, period_type, 1)
    while last.next().year == last_year:
        last = last.next()
    return [p.code for p in periods_between(first, last)]


def storable(m: Metric) -> bool:
    return m.rows is not None and m.per_period


# --- marks ---------------------------------------------------------------------------

UnitsOf = Callable[[Any], Iterable[int | None] | None]
_unit_paths: list[Callable[[set[int]], dict[int, str]]] = []


def register_unit_paths(resolve: Callable[[set[int]], dict[int, str]]) -> None:
    """How org unit ids become paths (the org app, which core may not import)."""
    _unit_paths[:] = [resolve]


# Beyond this many units at once, a bulk write's metrics are built again rather than
# moved unit by unit (a reporting period opened for every school).
UNITS_MARKED = 500


def units_changed(
    unit_ids: Iterable[int | None] | None, *, provider: str = "", period: str = ""
) -> None:
    """The rows of these org units (None: of any unit) may have changed, for the metrics
    of `provider` (an app label; empty: for every metric), in `period` only if one is
    named. Inside the writing transaction: the mark commits with the data."""
    ids = {EVERYTHING} if unit_ids is None else {i for i in unit_ids if i is not None}
    if not ids:
        return
    if len(ids) > UNITS_MARKED:
        ids = {EVERYTHING}
    marks = [FigureDirty(unit_id=i, provider=provider, period=period) for i in sorted(ids)]
    FigureDirty.objects.bulk_create(marks)
    refresh_after_commit()


def register_source(
    model: type[Model],
    units: UnitsOf,
    *,
    moves: bool = False,
    counts: Callable[[Any], bool] | None = None,
    every_metric: bool = False,
    provider: str | Callable[[Any], str] | None = None,
) -> None:
    """Rows of a metric come from `model`: each saved or deleted instance marks the org
    units `units(instance)` names (None: every unit). `moves`: an instance may change its
    unit, so the stored row's units are marked too (one read before the save). `counts`:
    a save that cannot move a figure (a draft) marks nothing. A mark is for the metrics of
    `provider` (or `provider(instance)`), by default the model's own app, unless
    `every_metric`: an org unit's own fields (type, ownership, groups) filter the rows of
    every provider."""

    if provider is None:
        provider = "" if every_metric else model._meta.app_label
    provider_of = provider if callable(provider) else (lambda _instance: provider)

    def saved(*, instance: Any, **_kw: Any) -> None:
        if counts is None or counts(instance):
            figures_changed(units(instance), provider=provider_of(instance))

    def before(*, instance: Any, **_kw: Any) -> None:
        if instance.pk is None:
            return
        old = type(instance)._default_manager.filter(pk=instance.pk).first()
        if old is not None:
            figures_changed(units(old), provider=provider_of(old))

    named = provider.__qualname__ if callable(provider) else provider  # a named function
    uid = f"figure-store-{model._meta.label}-{named}"
    post_save.connect(saved, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(saved, sender=model, dispatch_uid=uid, weak=False)
    if moves:
        pre_save.connect(before, sender=model, dispatch_uid=uid, weak=False)


# --- facts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One unit's rows for one period, added up."""

    num: Decimal | None
    den: Decimal | None
    rows: int


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _grouped(rows: QuerySet[Any]) -> QuerySet[Any]:
    grouped: QuerySet[Any] = (
        rows.order_by()
        .values("unit_path", "period")
        .annotate(f_num=Sum("num"), f_den=Sum("den"), f_rows=Count("*"))
    )
    return grouped


def _facts_of(m: Metric, paths: set[str]) -> dict[str, dict[str, Fact]]:
    assert m.rows is not None
    found: dict[str, dict[str, Fact]] = defaultdict(dict)
    for row in _grouped(m.rows(span(m.period_type)).filter(unit_path__in=paths)):
        found[row["unit_path"]][row["period"]] = Fact(
            _dec(row["f_num"]), _dec(row["f_den"]), row["f_rows"]
        )
    return found


def _stored_facts(paths: set[str], keys: set[str]) -> dict[str, dict[str, dict[str, Fact]]]:
    """The stored figures of these units and metrics, by metric, unit and period (one
    query)."""
    found: dict[str, dict[str, dict[str, Fact]]] = defaultdict(lambda: defaultdict(dict))
    if not paths or not keys:
        return found
    for f in UnitFigure.objects.filter(unit_path__in=paths, key__in=keys):
        found[f.key][f.unit_path][f.period] = Fact(f.num, f.den, f.rows)
    return found


def _intervals(m: Metric, facts: dict[str, Fact]) -> list[tuple[str, str, Fact]]:
    """(period, until, fact) for each of a unit's periods: a stock counts its latest period
    until the next one it has; a flow or a census counts each period once."""
    periods = sorted(facts)
    if m.over_time is not OverTime.LATEST:
        return [(p, "", facts[p]) for p in periods]
    ends = [*periods[1:], ""] if periods else []
    return [(p, nxt, facts[p]) for p, nxt in zip(periods, ends, strict=True)]


def ancestors(path: str) -> list[str]:
    """A unit's path and its ancestors' ("/a/b/" → "/a/", "/a/b/")."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def parent_of(path: str) -> str:
    chain = ancestors(path)
    return chain[-2] if len(chain) > 1 else ""


# --- roll-up deltas ------------------------------------------------------------------


@dataclass
class Delta:
    num: Decimal = Decimal(0)
    den: Decimal = Decimal(0)
    num_rows: int = 0
    den_rows: int = 0
    units: int = 0

    def add(self, fact: Fact, sign: int) -> None:
        if fact.num is not None:
            self.num += sign * fact.num
            self.num_rows += sign
        if fact.den is not None:
            self.den += sign * fact.den
            self.den_rows += sign
        self.units += sign

    def merge(self, other: Delta) -> None:
        self.num += other.num
        self.den += other.den
        self.num_rows += other.num_rows
        self.den_rows += other.den_rows
        self.units += other.units

    def empty(self) -> bool:
        return not (self.num or self.den or self.num_rows or self.den_rows or self.units)


Bucket = tuple[str, str, str]  # path, period, until


def _deltas(
    m: Metric, path: str, old: dict[str, Fact], new: dict[str, Fact]
) -> dict[Bucket, Delta]:
    out: dict[Bucket, Delta] = defaultdict(Delta)
    for sign, facts in ((-1, old), (1, new)):
        for period, until, fact in _intervals(m, facts):
            for above in ancestors(path):
                out[(above, period, until)].add(fact, sign)
    return out


def _apply(key: str, deltas: dict[Bucket, Delta]) -> None:
    deltas = {b: d for b, d in deltas.items() if not d.empty()}
    if not deltas:
        return
    paths = {b[0] for b in deltas}
    existing = {
        (t.path, t.period, t.until): t
        for t in TreeFigure.objects.filter(key=key, path__in=paths)
        if (t.path, t.period, t.until) in deltas
    }
    create, update, delete = [], [], []
    for bucket, d in deltas.items():
        row = existing.get(bucket)
        if row is None:
            row = TreeFigure(
                key=key,
                path=bucket[0],
                parent=parent_of(bucket[0]),
                period=bucket[1],
                until=bucket[2],
                num_rows=0,
                den_rows=0,
                units=0,
            )
            create.append(row)
        else:
            update.append(row)
        row.num_rows += d.num_rows
        row.den_rows += d.den_rows
        row.units += d.units
        row.num = None if row.num_rows == 0 else (row.num or Decimal(0)) + d.num
        row.den = None if row.den_rows == 0 else (row.den or Decimal(0)) + d.den
        if row.units == 0:
            (update if row.pk is not None else create).remove(row)
            if row.pk is not None:
                delete.append(row.pk)
    TreeFigure.objects.bulk_create(create, batch_size=1000)
    TreeFigure.objects.bulk_update(update, ["num", "den", "num_rows", "den_rows", "units"], 1000)
    TreeFigure.objects.filter(pk__in=delete).delete()


def _refresh_units(m: Metric, paths: set[str], old: dict[str, dict[str, Fact]]) -> bool:
    """Recompute these units' own figures for one stored metric (`old`: those stored) and
    move the roll-ups of every unit above them by the difference; whether any moved."""
    new = _facts_of(m, paths)
    changed = {p for p in paths if new.get(p, {}) != old.get(p, {})}
    if not changed:
        return False
    UnitFigure.objects.filter(key=m.key, unit_path__in=changed).delete()
    UnitFigure.objects.bulk_create(
        [
            UnitFigure(
                key=m.key,
                unit_path=path,
                period=period,
                until=until,
                num=f.num,
                den=f.den,
                rows=f.rows,
            )
            for path in sorted(changed)
            for period, until, f in _intervals(m, new.get(path, {}))
        ],
        batch_size=1000,
    )
    deltas: dict[Bucket, Delta] = defaultdict(Delta)
    for path in changed:
        for bucket, d in _deltas(m, path, old.get(path, {}), new.get(path, {})).items():
            deltas[bucket].merge(d)
    _apply(m.key, deltas)
    return True


# --- the one writer ------------------------------------------------------------------


def _lock() -> None:
    row = DataStamp.objects.select_for_update().filter(name=LOCK).first()
    if row is None:
        DataStamp.objects.get_or_create(name=LOCK)
        DataStamp.objects.select_for_update().filter(name=LOCK).first()


def store_refresh() -> int:
    """Work off every mark made so far; returns the marks worked off. Cheap when there
    are none (one indexed read)."""
    if not FigureDirty.objects.exists():
        return 0
    with transaction.atomic():
        _lock()
        return _work_off()


def _work_off(skip: frozenset[str] = frozenset()) -> int:
    """Work off the marks made so far for every stored metric but those in `skip` (which
    are being rebuilt), the store's lock held; returns the marks worked off."""
    every = list(FigureDirty.objects.values_list("pk", "unit_id", "provider", "period"))
    if not every:
        return 0
    marks = [(pk, unit, provider) for pk, unit, provider, _period in every if unit >= 0]
    # A provider marked as a whole: the periods whose rows moved ("": any).
    wholly: dict[str, set[str]] = defaultdict(set)
    for _pk, unit, provider, period in every:
        if unit == EVERYTHING:
            wholly[provider].add(period)
    raise_parts(
        {p.removeprefix(PART_MARK) for _pk, unit, p, _period in every if unit < 0}
        | {rows_part(provider) for _pk, _unit, provider in marks}
    )
    ids = {unit for _pk, unit, _provider in marks}
    found = _paths(ids - {EVERYTHING})
    if "" in wholly or found is None:
        _forget_everything(skip)
        raise_parts({EVERY_PROVIDER})
    else:
        by_provider: dict[str, set[str]] = defaultdict(set)
        for _pk, unit, provider in marks:
            if unit != EVERYTHING:
                by_provider[provider].add(found[unit])
        touched = set(by_provider) | set(wholly)
        metrics = [
            (key, m)
            for key in StoredMetric.objects.values_list("key", flat=True)
            if key not in skip
            and _provided_by(key, touched)
            and (m := _stored_metric(key)) is not None
        ]
        moved = set()
        for key, m in metrics:  # a provider's bulk write: its metrics are built again
            if m.provider in wholly:
                _build_again(m, wholly[m.provider])
                moved.add(metric_part(key))
        marked = [
            (key, m, paths)
            for key, m in metrics
            if m.provider not in wholly and (paths := by_provider[""] | by_provider[m.provider])
        ]
        stored = _stored_facts(
            {p for _k, _m, paths in marked for p in paths}, {k for k, *_ in marked}
        )
        for key, m, paths in marked:
            if _refresh_units(m, paths, stored[key]):
                moved.add(metric_part(key))
        raise_parts(moved)
    FigureDirty.objects.filter(pk__in=[pk for pk, *_rest in every]).delete()
    return len(every)


def _build_again(m: Metric, periods: set[str]) -> None:
    """Build a metric again, only the periods named where each period's figures stand on
    their own (a flow, a census; a stock's run on to its unit's next period)."""
    from eduplan.core.figure_build import metric_build  # it builds on this module

    whole = "" in periods or m.over_time is OverTime.LATEST
    metric_build(m, periods=None if whole else sorted(periods))


def _provided_by(key: str, providers: set[str]) -> bool:
    """Whether a stored metric counts rows of one of these providers (any, for ""),
    known without reading its definition; a key no app provides is resolved (and
    forgotten) by the caller."""
    if "" in providers:
        return True
    try:
        return bool(metric_providers(key) & providers)
    except UnknownMetric:
        return True


def _paths(ids: set[int]) -> dict[int, str] | None:
    """The paths of these units; None if one is gone (its rows are gone with it: rebuild)."""
    if not ids:
        return {}
    found = _unit_paths[0](ids)
    return None if set(found) != ids else found


def _stored_metric(key: str) -> Metric | None:
    try:
        m = metric(key)
    except UnknownMetric:  # a form element or ledger field that is no more
        _forget(key)
        return None
    return m if storable(m) else None


def _forget(key: str) -> None:
    StoredMetric.objects.filter(key=key).delete()
    UnitFigure.objects.filter(key=key).delete()
    TreeFigure.objects.filter(key=key).delete()


def _forget_everything(keep: frozenset[str] = frozenset()) -> None:
    """Every stored figure is dropped (but those of `keep`, being rebuilt); each metric is
    built again when next read."""
    if keep:
        for key in set(StoredMetric.objects.values_list("key", flat=True)) - keep:
            _forget(key)
        return
    if connection.vendor == "postgresql":
        tables = [StoredMetric, UnitFigure, TreeFigure]
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(t._meta.db_table for t in tables))
        return
    for model in (StoredMetric, UnitFigure, TreeFigure):
        model.objects.all().delete()


def metric_stored(m: Metric) -> bool:
    """Whether `m`'s figures can be read from the store, building them first if they are
    not there yet. Marks made before are worked off first."""
    if not storable(m):
        return False
    store_refresh()
    digest = settings_digest(m)
    if StoredMetric.objects.filter(key=m.key, settings_digest=digest).exists():
        return True
    with transaction.atomic():
        _lock()
        if not StoredMetric.objects.filter(key=m.key, settings_digest=digest).exists():
            from eduplan.core.figure_build import metric_build  # it builds on this module

            metric_build(m)
            raise_parts({metric_part(m.key)})
    return True


def store_warm(keys: Iterable[str]) -> int:
    """Build whichever of these metrics are not stored yet; returns how many are stored.
    The planner then sees the store's rows (a read of one unit's roll-up planned for an
    empty table scans every unit's)."""
    stored = 0
    for key in keys:
        m = _stored_metric(key)
        stored += bool(m is not None and metric_stored(m))
    statistics_refresh(UnitFigure, TreeFigure, FigurePath)
    return stored


Snapshot = tuple[frozenset[tuple[Any, ...]], frozenset[tuple[Any, ...]]]


def store_snapshot(key: str) -> Snapshot:
    """A stored metric's rows, to compare kept figures with rebuilt ones."""
    units = UnitFigure.objects.filter(key=key).values_list(
        "unit_path", "period", "until", "num", "den", "rows"
    )
    tree = TreeFigure.objects.filter(key=key).values_list(
        "path", "parent", "period", "until", "num", "den", "num_rows", "den_rows", "units"
    )
    return frozenset(units), frozenset(tree)
