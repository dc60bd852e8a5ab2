"""Plan text import: upload, then review and import (`plans/import/`)."""

from __future__ import annotations

from django.urls import path

from eduplan.planimport import views

app_name = "planimport"

urlpatterns = [
    path("", views.import_upload, name="upload"),
    path("<slug:token>/", views.import_review, name="review"),
]
