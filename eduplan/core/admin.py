from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from eduplan.core.models import ChangeEvent


@admin.register(ChangeEvent)
class ChangeEventAdmin(admin.ModelAdmin[ChangeEvent]):
    """The registers' change history, read only: it is written by the services alone."""

    list_display = ["at", "actor", "subject", "field", "old", "new"]
    list_select_related = ["actor"]
    search_fields = ["subject", "field"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ChangeEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ChangeEvent | None = None) -> bool:
        return False
