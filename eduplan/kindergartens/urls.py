"""The kindergartens pages, mounted under /kindergartens/ by eduplan/urls.py."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "kindergartens"

urlpatterns: list[URLPattern] = []
