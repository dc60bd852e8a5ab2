from __future__ import annotations

from django.urls import path

from eduplan.ledgers import views

app_name = "ledgers"

urlpatterns = [
    path("", views.ledger_index, name="index"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("files/<int:pk>/", views.record_file, name="file"),
    path("<slug:code>/", views.ledger_records, name="records"),
    path("<slug:code>/new/", views.record_add, name="record_add"),
    path("<slug:code>/import/", views.ledger_import, name="import"),
    path("<slug:code>/template.xlsx", views.ledger_template, name="template"),
    path("<slug:code>/public/", views.ledger_public, name="public"),
]
