"""The safety pages, mounted under /safety/ by eduplan/urls.py."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "safety"

urlpatterns: list[URLPattern] = []
