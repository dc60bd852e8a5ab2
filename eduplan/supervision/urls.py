"""Supervision pages, mounted under /supervision/ by eduplan/urls.py."""

from __future__ import annotations

from django.urls import path

from eduplan.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.my_orders, name="my_orders"),
    path("board/", views.board, name="board"),
    path("inbox/", views.inbox, name="inbox"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
]
