"""The teachers pages, mounted under /teachers/ by eduplan/urls.py."""

from __future__ import annotations

from django.urls import path

from eduplan.teachers import views

app_name = "teachers"

urlpatterns = [
    path("", views.behind, name="behind"),
    path("school/<str:code>/", views.school, name="school"),
    path("teacher/<int:pk>/", views.teacher, name="teacher"),
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.template, name="template"),
    path("remind/", views.remind, name="remind"),
]
