"""The database task queue's app (django-tasks-db) under a name the bureau reads in the
admin. Its own module: apps.py must hold one AppConfig for Django to pick supervision's."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TaskQueueConfig(TasksAppConfig):
    """The database task queue (django-tasks) under a name the bureau reads in the admin."""

    verbose_name = _("Background tasks")  # type: ignore[assignment]  # lazy, as Django allows


# The library's model names, translated here because it ships no Chinese.
LIBRARY_NAMES = (_("Task Result"), _("Task Results"))
