"""The safety pages, mounted under /safety/ by eduplan/urls.py."""

from __future__ import annotations

from django.urls import path

from eduplan.safety import views

app_name = "safety"

urlpatterns = [
    path("", views.home, name="home"),
    path("city/", views.city, name="city"),
    path("districts/<str:code>/", views.district, name="district"),
    path("units/<str:code>/", views.school, name="school"),
    path("hazards/<int:pk>/", views.hazard, name="hazard"),
    path("hazards/<int:pk>/photo/", views.hazard_photo, name="hazard_photo"),
    path("hazards/<int:pk>/evidence/", views.hazard_evidence, name="hazard_evidence"),
]
