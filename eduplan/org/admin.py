from __future__ import annotations

from django.contrib import admin

from eduplan.org.models import Membership, OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type", "parent", "ownership", "opened_on", "closed_on"]
    list_filter = ["type", "ownership"]
    search_fields = ["code", "name"]
    readonly_fields = ["path", "depth", "parent"]
    list_select_related = ["parent"]

    def has_add_permission(self, request: object) -> bool:
        # Units are added by loaders and services, which keep the path consistent.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "scope", "department"]
    list_filter = ["role"]
    search_fields = ["user__username", "scope__name"]
    autocomplete_fields = ["scope", "department"]
    list_select_related = ["user", "scope", "department"]
