from __future__ import annotations

from django.contrib import admin

from eduplan.public.models import DirectoryEntry, FeeItem


@admin.register(FeeItem)
class FeeItemAdmin(admin.ModelAdmin[FeeItem]):
    list_display = ["school", "school_year", "item", "amount", "unit", "published"]
    list_filter = ["school_year", "published"]
    raw_id_fields = ["school"]
    search_fields = ["school__name", "school__code", "item", "document_number"]


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(admin.ModelAdmin[DirectoryEntry]):
    list_display = ["school", "licence_number", "sponsor", "phone", "published"]
    list_filter = ["published", "school__type"]
    raw_id_fields = ["school"]
    search_fields = ["school__name", "licence_number", "sponsor"]
