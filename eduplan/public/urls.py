from __future__ import annotations

from django.urls import path

from eduplan.football import views as football
from eduplan.public import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("plan/", views.plan, name="plan"),
    path("plan/xlsx/", views.plan_xlsx, name="plan_xlsx"),
    path("fees/", views.fees, name="fees"),
    path("fees/xlsx/", views.fees_xlsx, name="fees_xlsx"),
    path("private-schools/", views.directory, name="directory"),
    path("private-schools/xlsx/", views.directory_xlsx, name="directory_xlsx"),
    path("construction/", views.construction, name="construction"),
    path("construction/xlsx/", views.construction_xlsx, name="construction_xlsx"),
    path("football/", football.competitions, name="football"),
    path("football/xlsx/", football.competitions_xlsx, name="football_xlsx"),
    path("football/<int:pk>/", football.competition, name="competition"),
    path(
        "football/<int:pk>/table/xlsx/",
        football.competition_table_xlsx,
        name="competition_table_xlsx",
    ),
    path(
        "football/<int:pk>/fixtures/xlsx/",
        football.competition_fixtures_xlsx,
        name="competition_fixtures_xlsx",
    ),
]
