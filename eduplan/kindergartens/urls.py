"""The kindergartens pages, mounted under /kindergartens/ by eduplan/urls.py: the
preschool department's and districts' pages, and the public ones under public/."""

from __future__ import annotations

from django.urls import path

from eduplan.kindergartens import views, views_public

app_name = "kindergartens"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/act/", views.application_post, name="application_post"),
    path("rechecks/", views.rechecks, name="rechecks"),
    path("rechecks/<int:year>/", views.recheck, name="recheck"),
    path("k/<str:code>/", views.kindergarten, name="kindergarten"),
    path("k/<str:code>/apply/", views.apply, name="apply"),
    path("public/", views_public.inclusive, name="public_inclusive"),
    path("public/xlsx/", views_public.inclusive_xlsx, name="public_inclusive_xlsx"),
    path("public/notices/", views_public.notices, name="public_notices"),
    path("public/notices/xlsx/", views_public.notices_xlsx, name="public_notices_xlsx"),
]
