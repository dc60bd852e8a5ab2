"""The valueadded pages, mounted under /valueadded/ by eduplan/urls.py."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "valueadded"

urlpatterns: list[URLPattern] = []
