"""The valueadded pages, mounted under /valueadded/ by eduplan/urls.py."""

from __future__ import annotations

from django.urls import path

from eduplan.valueadded import views

app_name = "valueadded"

urlpatterns = [
    path("", views.entry, name="entry"),
    path("city/", views.city, name="city"),
    path("school/<str:code>/", views.school, name="school"),
    path("import/", views.records_import, name="import"),
]
