"""Plan text import: upload, then review and import (`plans/import/`)."""

from __future__ import annotations

from django.urls import path

from eduplan.plans import views_import

app_name = "plans_import"

urlpatterns = [
    path("", views_import.import_upload, name="upload"),
    path("<slug:token>/", views_import.import_review, name="review"),
]
