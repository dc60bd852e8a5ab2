"""Scheduled supervision work through Django's tasks interface (django_tasks).

`supervision_daily` runs reporting's schedule (periods opened, reminded before their due
date, closed: reporting.schedule), then the rules, the colour history and the reminders
for a day, and sweeps uploaded files no row points to (core.uploads). With the database
backend (settings.TASKS) it is queued for EDUPLAN_SUPERVISION_RUN_HOUR and, when it runs,
queues the next day's run; `eduplan worker` queues the first one and runs the queue. Web
requests never run this work.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db import DatabaseBackend

from eduplan.core.uploads import upload_orphans_sweep
from eduplan.reporting.schedule import reporting_run
from eduplan.supervision.services import supervision_run


@task()
def supervision_daily(at: str | None = None) -> dict[str, Any]:
    """Run one day's supervision work (`at`: an ISO date; default today). A run for
    today, as the schedule makes, queues tomorrow's."""
    day = datetime.date.fromisoformat(at) if at else timezone.localdate()
    # Reporting's schedule first, so the rules see the periods it opens and closes.
    reporting = reporting_run(at=day).as_json()
    result = supervision_run(at=day).as_json() | {"reporting": reporting}
    # Files whose row was never committed (a crash mid-upload) are removed once old enough.
    result["orphan_files_removed"] = len(upload_orphans_sweep())
    if at is None:
        supervision_daily_schedule()
    return result


def next_run_at(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next EDUPLAN_SUPERVISION_RUN_HOUR o'clock, local time, after `now`."""
    local = timezone.localtime(now or timezone.now())
    run = local.replace(
        hour=settings.EDUPLAN_SUPERVISION_RUN_HOUR, minute=0, second=0, microsecond=0
    )
    return run if run > local else run + datetime.timedelta(days=1)


def supervision_daily_schedule(*, now: datetime.datetime | None = None) -> str | None:
    """Queue the next daily run unless one is already waiting. Only a database backend
    keeps a schedule (others return None). Returns the queued task's id."""
    backend = supervision_daily.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=supervision_daily.module_path,
        backend_name=backend.alias,
        status=TaskResultStatus.READY,
    ).exists()
    if waiting:
        return None
    result = supervision_daily.using(run_after=next_run_at(now)).enqueue()
    return str(result.id)
