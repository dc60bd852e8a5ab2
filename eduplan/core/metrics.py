"""The metric contract: a metric is provided by one app and yields rows per org unit and
period; `indicators.aggregation` adds them up the tree in the database.

The contract lives in core so that providers (org, construction, reporting, ledgers,
domain apps) register their metrics without importing `indicators`, which sits to their
right in the flow of data.

A provider gives, for a list of period codes, a queryset with four columns:
`unit_path` (the org unit's path), `period` (a period code), `num` and `den` (den is 1
unless the metric is a share). Forms, ledgers and domain apps provide metrics the same
way, so a new provider never touches this module.

A key may name a scope after `@` (`org.schools_opened@urban`): the same metric counted
only over a named set of units. The org app resolves scopes (its unit groups); carrying
the scope inside the key means every reader that aggregates a binding's key counts the
right units without knowing that groups exist.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from eduplan.core.figures_cache import figures_memo

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class OverUnits(enum.StrEnum):
    SUM = "sum"  # counts, totals: add the units' values
    SHARE = "share"  # sum of numerators / sum of denominators, divided at the very end
    AVERAGE = "average"  # mean of the units' values


class OverTime(enum.StrEnum):
    SUM = "sum"  # flows (matches played, schools opened): add the periods
    LATEST = "latest"  # stocks (classes, teams): each unit's latest period in the range
    LAST_PERIOD = "last_period"  # a census: every unit as counted in the range's last census


Rows = Callable[[list[str]], QuerySet[Any]]


@dataclass(frozen=True)
class Metric:
    key: str
    # A name written in code is translatable (pgettext_lazy("metric", …)); one read from
    # a data file (a form's element) is shown as written.
    name: StrOrPromise
    unit: str
    over_units: OverUnits
    over_time: OverTime
    period_type: str
    rows: Rows | None
    provider: str
    description: StrOrPromise = ""
    # A ratio of two metrics, each aggregated on its own and divided at the end
    # (e.g. 毛入园率 = children in kindergarten / children aged 3–5), in percent.
    ratio_of: tuple[str, str] | None = None
    # A register that lists every thing it counts (the org tree, a ledger): no row means
    # none (0). Elsewhere (reports) no row means no report arrived: no data, not zero.
    absent_is_zero: bool = False
    # rows(periods) holds each period's own rows, so the figures store can hold them per
    # period. False where the rows depend on the list as a whole (a list as it stands at
    # the end of its last period): such a metric is always counted from its rows.
    per_period: bool = True


_METRICS: dict[str, Metric] = {}
_FAMILY_PROVIDERS: dict[str, Callable[[str], str]] = {}
_FAMILIES: dict[str, Callable[[str], Metric | None]] = {}
_SCOPES: list[Callable[[Metric, str], Metric]] = []
SCOPE_SEPARATOR = "@"


class UnknownMetric(KeyError):
    pass


def register(metric: Metric) -> Metric:
    """Add a metric; a key may be provided by one app only."""
    if metric.key in _METRICS and _METRICS[metric.key].provider != metric.provider:
        raise ValueError(
            f"metric {metric.key} is already provided by {_METRICS[metric.key].provider}"
        )
    _METRICS[metric.key] = metric
    return metric


def register_family(
    prefix: str, resolve: Callable[[str], Metric | None], *, provider: str | Callable[[str], str]
) -> None:
    """Metrics defined by data (e.g. every element of every form): resolved on demand;
    `provider`, the app whose rows they count (or, from a key, the marks that move it:
    each form's reports have their own)."""
    _FAMILIES[prefix] = resolve
    _FAMILY_PROVIDERS[prefix] = provider if callable(provider) else (lambda _key: provider)


def ratio_parts(key: str) -> list[str]:
    """The keys whose rows make a metric's figure: a ratio's parts (a scoped ratio's, each
    scoped), else the key itself. Reads nothing."""
    base, _sep, scope = key.rpartition(SCOPE_SEPARATOR) if SCOPE_SEPARATOR in key else (key, "", "")
    found = _METRICS.get(base)
    if found is None or found.ratio_of is None:
        return [key]
    parts = [scoped_key(k, scope) if scope else k for k in found.ratio_of]
    return [k for part in parts for k in ratio_parts(part)]


def metric_providers(key: str) -> set[str]:
    """The apps whose rows a metric counts (a ratio's: both parts'), known without reading
    a definition from the database; UnknownMetric for a key no app provides."""
    if key in _METRICS:
        m = _METRICS[key]
        if m.ratio_of is None:
            return {m.provider}
        return {p for part in m.ratio_of for p in metric_providers(part)}
    if SCOPE_SEPARATOR in key:
        return metric_providers(key.rpartition(SCOPE_SEPARATOR)[0])
    provider = _FAMILY_PROVIDERS.get(key.split(".", 1)[0])
    if provider is None:
        raise UnknownMetric(key)
    return {provider(key)}


def register_scope(resolve: Callable[[Metric, str], Metric]) -> None:
    """How `<key>@<scope>` is read: `resolve(metric, scope)` gives the metric counted over
    the scope's units only. One resolver (the org app's unit groups)."""
    _SCOPES[:] = [resolve]


def scoped_key(key: str, scope: str) -> str:
    """The key of `key` counted over `scope` only."""
    return f"{key}{SCOPE_SEPARATOR}{scope}"


def metric(key: str) -> Metric:
    """The metric for a key, or UnknownMetric."""
    if key in _METRICS:
        return _METRICS[key]
    if SCOPE_SEPARATOR in key:
        base_key, _sep, scope = key.rpartition(SCOPE_SEPARATOR)
        if not scope or not _SCOPES:
            raise UnknownMetric(key)
        return _SCOPES[0](metric(base_key), scope)
    prefix = key.split(".", 1)[0]
    resolve = _FAMILIES.get(prefix)
    # A family reads its definition from the database: once per figures scope.
    found = figures_memo(f"metric:{key}", lambda: resolve(key)) if resolve else None
    if found is None:
        raise UnknownMetric(key)
    return found


def registered() -> list[Metric]:
    return sorted(_METRICS.values(), key=lambda m: m.key)
