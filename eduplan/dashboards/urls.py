from __future__ import annotations

from django.urls import path

from eduplan.dashboards import views, views_tasks

app_name = "dashboards"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("screen/", views.screen, name="screen"),
    path("projects/<int:number>/", views.project, name="project"),
    path("projects/<int:number>/report.docx", views.project_report, name="project_report"),
    path("districts/", views.districts, name="districts"),
    path("schools/<str:code>/", views.school, name="school"),
    path("tasks/", views_tasks.plan_tasks, name="tasks"),
    path("tasks/<int:pk>/", views_tasks.task_detail, name="task"),
]
