from __future__ import annotations

from django.contrib import admin

from eduplan.construction.models import SchoolClass


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin[SchoolClass]):
    list_display = ["school", "school_year", "grade", "number", "pupils"]
    list_filter = ["school_year", "grade"]
    raw_id_fields = ["school"]
    search_fields = ["school__name", "school__code"]
