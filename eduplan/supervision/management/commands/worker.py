"""`eduplan worker`: run the background task queue (django_tasks_db's database worker),
after making sure the daily supervision run is queued.

Every option of django_tasks_db's `db_worker` applies (`--batch`, `--max-tasks`,
`--queue-name`, `--interval`, …); `--no-schedule` leaves the daily run out.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from eduplan.supervision.tasks import supervision_daily_schedule


class Command(DatabaseWorkerCommand):
    help = "Run the background task queue (rules runs, reminders); queues the daily run first"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="do not queue the daily supervision run",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.pop("schedule"):
            task_id = supervision_daily_schedule()
            if task_id:
                self.stdout.write(f"queued the daily supervision run ({task_id})")
        super().handle(*args, **options)
