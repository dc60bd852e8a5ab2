"""The league officials' pages, mounted under /football/ by eduplan/urls.py (the public
league pages are under /public/football/, in eduplan/public/urls.py)."""

from __future__ import annotations

from django.urls import path

from eduplan.football import views_keeping, views_results

app_name = "football"

urlpatterns = [
    path("results/", views_results.results_competitions, name="results"),
    path("results/<int:pk>/", views_results.results_competition, name="results_competition"),
    path("keeping/", views_keeping.keeping_competitions, name="keeping"),
    path("keeping/<int:pk>/", views_keeping.keeping_competition, name="keeping_competition"),
]
