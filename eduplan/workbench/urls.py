"""The 工作台, mounted under /work/ by eduplan/urls.py."""

from __future__ import annotations

from django.urls import path

from eduplan.workbench import views

app_name = "workbench"

urlpatterns = [
    path("", views.home, name="home"),
    path("badges/", views.badges, name="badges"),
    path("settings/", views.notice_settings, name="settings"),
]
