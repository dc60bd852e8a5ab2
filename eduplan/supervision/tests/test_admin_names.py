"""The admin names the task queue in the bureau's words, not the library's."""

from __future__ import annotations


def test_the_admin_calls_the_task_queue_background_tasks(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    body = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "后台任务" in body
    assert "Tasks Database Backend" not in body
