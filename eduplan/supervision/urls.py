"""Supervision pages, mounted under /supervision/ by eduplan/urls.py."""

from __future__ import annotations

from django.urls import path

from eduplan.supervision import views, views_bulletin, views_handling

app_name = "supervision"

urlpatterns = [
    path("", views.my_orders, name="my_orders"),
    path("bulletin/", views_bulletin.bulletin_page, name="bulletin"),
    path("bulletin.docx", views_bulletin.bulletin_download, name="bulletin_docx"),
    path("board/", views.board, name="board"),
    path("inbox/", views.inbox, name="inbox"),
    path("orders/new/", views_handling.order_new, name="order_new"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/source/", views_handling.source_download, name="order_source"),
    path("evidence/<int:pk>/", views_handling.evidence_download, name="evidence_download"),
]
