"""The teachers pages, mounted under /teachers/ by eduplan/urls.py."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "teachers"

urlpatterns: list[URLPattern] = []
