from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from eduplan.api.urls import api_urls
from eduplan.construction import views as construction
from eduplan.construction import views_census as census
from eduplan.indicators import views as indicators
from eduplan.org import views as org
from eduplan.org.access import public
from eduplan.plans import views as plans
from eduplan.plans import views_tasks as plan_tasks

admin.site.site_header = "EduPlan 教育重点工作督办平台"
admin.site.site_title = "EduPlan"

urlpatterns = [
    path("", plans.home, name="home"),
    path("accounts/login/", public(auth_views.LoginView.as_view()), name="login"),
    path("accounts/logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/password/", org.password_change, name="password_change"),
    path("accounts/password/done/", org.password_change_done, name="password_change_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        org.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", org.password_reset_complete, name="password_reset_complete"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path(  # what browsers ask for by themselves (downloads, bookmarks)
        "favicon.ico",
        public(RedirectView.as_view(url=static("eduplan/favicon.svg"), permanent=True)),
        name="favicon",
    ),
    path("plans/import/", include("eduplan.planimport.urls")),
    path("plans/<slug:code>/", plans.plan_overview, name="plan_overview"),
    path("plans/<slug:code>/projects/<int:number>/", plans.project_detail, name="project_detail"),
    path(
        "plans/<slug:code>/work-points/<int:number>/",
        plans.work_point_detail,
        name="work_point_detail",
    ),
    path("milestones/<int:pk>/done/", plans.milestone_done, name="milestone_done"),
    path("milestones/<int:pk>/evidence/", plan_tasks.milestone_evidence, name="milestone_evidence"),
    path(
        "milestones/<int:pk>/mark-done/",
        plan_tasks.milestone_done_with_evidence,
        name="milestone_mark_done",
    ),
    path("milestone-evidence/<int:pk>/", plan_tasks.evidence_file, name="milestone_evidence_file"),
    path("tasks/<int:pk>/edit/", plan_tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", plan_tasks.task_remove, name="task_delete"),
    path("units/mine/", org.my_unit, name="my_unit"),
    path("units/<str:code>/", construction.unit_detail, name="unit_detail"),
    path("units/<str:code>/classes/", construction.class_list, name="class_list"),
    path("classes/<int:pk>/edit/", construction.class_edit, name="class_edit"),
    path("units/<str:code>/classes/edit/", census.census_edit, name="census_edit"),
    path("units/<str:code>/census/template/", census.census_template, name="census_template"),
    path("units/<str:code>/census/import/", census.census_import, name="census_import"),
    path("targets/", indicators.target_status, name="target_status"),
    path("targets/<int:pk>/assess/", indicators.target_assess, name="target_assess"),
    path("reports/", include("eduplan.reporting.urls")),
    path("reports/xlsx/", include("eduplan.reporting.urls_xlsx")),
    path("supervision/", include("eduplan.supervision.urls")),
    path("appraisal/", include("eduplan.appraisal.urls")),
    path("dashboards/", include("eduplan.dashboards.urls")),
    path("work/", include("eduplan.workbench.urls")),
    path("football/", include("eduplan.football.urls")),
    path("ledgers/", include("eduplan.ledgers.urls")),
    path("kindergartens/", include("eduplan.kindergartens.urls")),
    path("teachers/", include("eduplan.teachers.urls")),
    path("petitions/", include("eduplan.petitions.urls")),
    path("safety/", include("eduplan.safety.urls")),
    path("valueadded/", include("eduplan.valueadded.urls")),
    path("public/", include("eduplan.public.urls")),
    path("api/v1/", api_urls),
    path("admin/", admin.site.urls),
]
