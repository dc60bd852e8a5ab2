"""Reporting pages, mounted under /reports/ by eduplan/urls.py."""

from __future__ import annotations

from django.urls import path

from eduplan.reporting import views, views_completeness

app_name = "reporting"

urlpatterns = [
    path("", views.my_reports, name="my_reports"),
    path("approvals/", views.approvals, name="approvals"),
    path("completeness/", views_completeness.completeness_start, name="completeness_start"),
    # Before the entry page's pattern, which also has three segments.
    path(
        "completeness/<slug:form_code>/<str:period_code>/",
        views_completeness.completeness_page,
        name="completeness",
    ),
    path("files/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("<slug:form_code>/<str:period_code>/<str:org_code>/", views.entry, name="entry"),
]
