"""The petitions pages, mounted under /petitions/ by eduplan/urls.py."""

from __future__ import annotations

from django.urls import path

from eduplan.petitions import views, views_campaign

app_name = "petitions"

urlpatterns = [
    path("", views.case_list, name="cases"),
    path("new/", views.case_register_view, name="register"),
    path("<int:pk>/", views.case_page, name="case"),
    path("<int:pk>/petitioners/", views.petitioners, name="petitioners"),
    path("overview/", views.overview, name="overview"),
    path("risks/", views_campaign.risks, name="risks"),
    path("backlog/", views_campaign.backlog, name="backlog"),
]
