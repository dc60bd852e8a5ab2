"""The parts of what is judged from the figures, each with its own stamp, so that what
depends on one part only is kept while another moves.

A part is what is judged (`figures_cache.JUDGEMENT`: plans, targets, bindings,
assessments), the work (`WORK`: tasks, milestones, progress reports), the reports due
(`REPORTS`), the supervision orders (`ORDERS`), a provider's rows (`rows:<app>`, the
figures of metrics counted from its rows, and `rows:*`, every provider's) and each
stored metric's own figures (raised only when a refresh moved them). Writers mark the
parts they move in their transaction (`parts_changed`, like the units of
`units_changed`); the store's one writer raises the parts' stamps when it works the
marks off, and readers take the stamps after it has (`figure_reads.part_stamps`). A
school's report approved thus moves the stamps of the form's metrics whose figures it
changed and of the reports due, and nothing else.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F

from eduplan.core.figures_cache import figures_memo, shard_index
from eduplan.core.metrics import Metric, metric_providers, ratio_parts
from eduplan.core.models import DataStamp, FigureDirty

logger = logging.getLogger(__name__)

PREFIX = "EDUPLAN_FIGURES_"  # settings that decide which rows count

# A part of what is judged that moved (`figures_cache.PARTS`) is marked with a negative
# unit id, one per share of the counter (a part marked by every writer at the deadline
# would otherwise be one row they all wait on), and its name as the provider.
PART_MARK = "part:"
PART_STAMP = "figures-part:"  # the DataStamp row of each part's stamp, raised by the store
EVERY_PROVIDER = "rows:*"  # the part every metric's figures depend on (a bulk change)


def parts_changed(parts: Iterable[str]) -> None:
    """These parts of what is judged moved (inside the writing transaction: the marks
    commit with the data); the store raises their stamps when it works the marks off."""
    names = sorted(set(parts))
    if not names:
        return
    unit = -1 - shard_index()
    FigureDirty.objects.bulk_create(
        [FigureDirty(unit_id=unit, provider=f"{PART_MARK}{name}") for name in names]
    )
    refresh_after_commit()


def rows_part(provider: str) -> str:
    """The part a provider's rows make: the stamp of every metric it provides (a long
    name hashed, to fit a counter's)."""
    if not provider:
        return EVERY_PROVIDER
    name = f"rows:{provider}"
    fits = len(PART_STAMP) + len(name) <= (DataStamp._meta.get_field("name").max_length or 0)
    return name if fits else f"r:{_hashed(provider)}"


def metric_part(key: str) -> str:
    """The part a stored metric makes: raised when its stored figures move (its key
    hashed, to fit a counter's name)."""
    return f"m:{_hashed(key)}"


def _hashed(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:16]


def metric_parts(key: str, stamps: dict[str, int]) -> list[str]:
    """The parts a metric's figures depend on (`stamps`: `part_stamps()`): a stored
    metric's own figures (a ratio's: both parts'), else its provider's rows; and every
    provider's (a bulk change). UnknownMetric for a key no app provides."""
    providers = metric_providers(key)  # refuses an unknown key before anything is read
    keys = ratio_parts(key)
    if all(metric_part(k) in stamps for k in keys):
        return sorted({EVERY_PROVIDER, *(metric_part(k) for k in keys)})
    return sorted({EVERY_PROVIDER, *(rows_part(p) for p in providers)})


def raise_parts(names: set[str]) -> None:
    """Raise these parts' stamps (under the store's lock: one writer)."""
    for name in sorted(names):
        row = f"{PART_STAMP}{name}"
        if not DataStamp.objects.filter(name=row).update(number=F("number") + 1):
            DataStamp.objects.create(name=row, number=1)


def refresh_after_commit() -> None:
    """Queue the store's refresh once the writing transaction commits: one task per
    transaction, however many writes in it mark units or parts (a rolled back savepoint
    drops its callback, and the next mark registers it again)."""
    waiting = transaction.get_connection().run_on_commit
    if not any(callback is refresh_soon for _sids, callback, _robust in waiting):
        transaction.on_commit(refresh_soon)


def refresh_soon() -> None:
    from eduplan.core.tasks import figures_refresh

    try:
        figures_refresh.enqueue()
    except Exception:  # the next reader works the marks off: never fail a committed write
        logger.exception("could not queue the figures refresh")


def _figure_settings() -> list[tuple[str, str]]:
    """The EDUPLAN_FIGURES_* settings (which rows count), once per page."""
    return figures_memo(
        "figures-settings",
        lambda: sorted(
            (k, repr(getattr(settings, k))) for k in dir(settings) if k.startswith(PREFIX)
        ),
    )


def figures_settings() -> str:
    """The EDUPLAN_FIGURES_* settings, hashed."""
    return hashlib.sha256(repr(_figure_settings()).encode()).hexdigest()


def settings_digest(m: Metric) -> str:
    """What a metric's stored figures were built under, hashed: the EDUPLAN_FIGURES_*
    settings (which rows count) and the metric's shape (how its rows add up, which a form
    or ledger definition may change). Another digest, and it is built again."""
    shape = (m.over_time, m.over_units, m.period_type)
    return hashlib.sha256(repr((_figure_settings(), shape)).encode()).hexdigest()
