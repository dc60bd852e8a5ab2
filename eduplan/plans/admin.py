from __future__ import annotations

from django.contrib import admin

from eduplan.plans.models import (
    Goal,
    Measure,
    Milestone,
    Plan,
    Project,
    ProjectOwner,
    Section,
    Target,
    WorkPoint,
)


class ProjectOwnerInline(admin.TabularInline[ProjectOwner, Project]):
    model = ProjectOwner
    extra = 0
    autocomplete_fields = ["department"]


class GoalInline(admin.StackedInline[Goal, Project]):
    model = Goal
    extra = 0


class MeasureInline(admin.TabularInline[Measure, Project]):
    model = Measure
    extra = 0


class MilestoneInline(admin.TabularInline[Milestone, Project]):
    model = Milestone
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    list_display = ["code", "name", "organisation", "start_year", "end_year", "status"]
    list_filter = ["status"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin[Project]):
    list_display = ["number", "name", "plan"]
    list_filter = ["plan"]
    inlines = [ProjectOwnerInline, GoalInline, MeasureInline, MilestoneInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin[Section]):
    list_display = ["number", "title", "plan"]


@admin.register(WorkPoint)
class WorkPointAdmin(admin.ModelAdmin[WorkPoint]):
    list_display = ["number", "section", "plan"]
    list_filter = ["plan", "section"]
    filter_horizontal = ["projects"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin[Target]):
    list_display = [
        "indicator",
        "value",
        "value_max",
        "unit",
        "comparator",
        "change",
        "year",
        "plan",
    ]
    list_filter = ["plan", "unit", "comparator"]
    search_fields = ["indicator", "source"]
    raw_id_fields = ["goal", "work_point"]
