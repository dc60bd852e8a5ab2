from __future__ import annotations

from django.contrib import admin

from eduplan.football.models import Competition, Match, Team


class TeamInline(admin.TabularInline[Team, Competition]):
    model = Team
    raw_id_fields = ["school"]
    extra = 0


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin[Competition]):
    list_display = ["name", "season", "group", "stage", "organiser", "published"]
    list_filter = ["season", "published", "group"]
    list_select_related = ["organiser"]
    # The org tree holds thousands of schools: no select box of every unit.
    raw_id_fields = ["organiser"]
    search_fields = ["name", "group"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "competition", "school"]
    list_filter = ["competition"]
    raw_id_fields = ["school"]
    search_fields = ["name", "school__name"]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin[Match]):
    list_display = ["competition", "round", "played_on", "home", "away", "home_goals", "away_goals"]
    list_filter = ["competition", "round"]
    raw_id_fields = ["home", "away"]
