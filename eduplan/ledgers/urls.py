from __future__ import annotations

from django.urls import path

from eduplan.ledgers import views, views_review

app_name = "ledgers"

urlpatterns = [
    path("", views.ledger_index, name="index"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("files/<int:pk>/", views.record_file, name="file"),
    path("review/", views_review.review_queue_page, name="review"),
    path("<slug:code>/", views.ledger_records, name="records"),
    path("<slug:code>/new/", views.record_add, name="record_add"),
    path("<slug:code>/import/", views.ledger_import, name="import"),
    path("<slug:code>/template.xlsx", views.ledger_template, name="template"),
    path("<slug:code>/public/", views.ledger_public, name="public"),
]
