"""Appraisal pages, mounted under /appraisal/ by eduplan/urls.py."""

from __future__ import annotations

from django.urls import path

from eduplan.appraisal import views

app_name = "appraisal"
urlpatterns = [
    path("", views.start, name="start"),
    path("<int:year>/", views.index, name="index"),
    path("<int:year>/<str:code>/", views.unit_page, name="unit"),
    path("<int:year>/<str:code>/xlsx/", views.unit_xlsx, name="unit_xlsx"),
    path("<int:year>/<str:code>/adjust/", views.adjust, name="adjust"),
]
