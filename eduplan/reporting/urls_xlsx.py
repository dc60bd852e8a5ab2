"""Excel template download and upload, under /reports/xlsx/."""

from __future__ import annotations

from django.urls import path

from eduplan.reporting import views_xlsx

app_name = "reporting_xlsx"

urlpatterns = [
    path(
        "<slug:form_code>/<str:period_code>/<str:org_code>/",
        views_xlsx.xlsx_upload,
        name="upload",
    ),
    path(
        "<slug:form_code>/<str:period_code>/<str:org_code>/template.xlsx",
        views_xlsx.xlsx_template_download,
        name="template",
    ),
]
