from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from eduplan.org.models import Membership, OrgGroup, OrgGroupMember, OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin[OrgUnit]):
    list_display = ["code", "name", "type", "parent", "ownership", "opened_on", "closed_on"]
    list_filter = ["type", "ownership"]
    search_fields = ["code", "name"]
    readonly_fields = ["path", "depth", "parent"]
    list_select_related = ["parent"]

    def has_add_permission(self, request: object) -> bool:
        # Units are added by loaders and services, which keep the path consistent.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "role", "scope", "department"]
    list_filter = ["role"]
    search_fields = ["user__username", "scope__name"]
    autocomplete_fields = ["scope", "department"]
    list_select_related = ["user", "scope", "department"]


class OrgGroupMemberInline(admin.TabularInline[OrgGroupMember, OrgGroup]):
    model = OrgGroupMember
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(OrgGroup)
class OrgGroupAdmin(admin.ModelAdmin[OrgGroup]):
    """Groups are data: the bureau adds a unit to 市区 or a rule to 直属学校 here, and the
    figures of the targets bound to the group follow at once (the save raises the
    figures counter)."""

    list_display = ["code", "name", "description"]
    search_fields = ["code", "name"]
    inlines = [OrgGroupMemberInline]

    def get_readonly_fields(self, request: HttpRequest, obj: OrgGroup | None = None) -> list[str]:
        # Target bindings carry the code in their metric key: it never changes.
        return ["code"] if obj is not None else []
