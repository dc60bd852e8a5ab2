"""EduPlan settings: one module, driven by environment variables."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.contrib.messages import constants as message_constants

# Django's generic classes take type arguments at run time as they do in their types
# (`admin.ModelAdmin[OrgUnit]`).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None else int(value)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


SECRET_KEY = env_str("SECRET_KEY", "eduplan-development-only-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "eduplan.core",
    "eduplan.org",
    # Before plans: its `plan` command (plans' show and load, plus parse and import) is
    # the one Django runs, as the first app listed wins a command's name.
    "eduplan.planimport",
    "eduplan.plans",
    "eduplan.construction",
    "eduplan.reporting",
    "eduplan.ledgers",
    "eduplan.api",
    "eduplan.indicators",
    "django_tasks",
    "eduplan.supervision.task_queue.TaskQueueConfig",  # django_tasks_db, named for the admin
    "eduplan.supervision",
    "eduplan.appraisal",
    "eduplan.football",
    "eduplan.dashboards",
    "eduplan.public",
    "eduplan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "eduplan.core.requests.RequestEdgeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "eduplan.org.access.AccessMiddleware",
]

ROOT_URLCONF = "eduplan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "eduplan.org.context_processors.membership",
                "eduplan.supervision.context_processors.inbox",
            ],
        },
    },
]

# Forms render with Bootstrap's classes and field layout (core/forms.py).
FORM_RENDERER = "eduplan.core.forms.FormRenderer"

WSGI_APPLICATION = "eduplan.wsgi.application"

# SQLite is the embedded default; DATABASE_URL selects PostgreSQL in production.
VAR_DIR = Path(env_str("EDUPLAN_VAR_DIR", str(REPO_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file and collected assets live here
DEFAULT_SQLITE = VAR_DIR / "eduplan.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Computed figures are cached under a counter that every data change raises
# (core/figures_cache.py). Each web process keeps its own copy by default; point
# FIGURES_CACHE_URL at a shared cache table ("db://") to compute them once for all.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "eduplan_cache"}
        if env_str("FIGURES_CACHE_URL", "") == "db://"
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "figures",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    ),
}
FIGURES_CACHE = "figures"
# 收费公示: the complaint hotline shown with every fee (12358 is the national price hotline).
FEE_COMPLAINT_HOTLINE = env_str("FEE_COMPLAINT_HOTLINE", "12358")
# The big screen (大屏) reloads itself this often.
EDUPLAN_SCREEN_REFRESH_SECONDS = env_int("EDUPLAN_SCREEN_REFRESH_SECONDS", 300)
# A site serving the synthetic demo city says so on every page (`eduplan demo` sets it).
EDUPLAN_DEMO = env_bool("EDUPLAN_DEMO", False)
FIGURES_CACHE_SECONDS = env_int("FIGURES_CACHE_SECONDS", 24 * 3600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
# Bootstrap names its red alert "danger", not "error".
MESSAGE_TAGS = {message_constants.ERROR: "danger"}
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
NODE_MODULES = REPO_DIR / "node_modules"
# Front-end packages come from npm at set-up and are served by the app itself.
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
WHITENOISE_USE_FINDERS = True
# Uploaded evidence is never served as static media: a view checks the reader's scope.
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
EDUPLAN_UPLOAD_MAX_BYTES = env_int("EDUPLAN_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Content types an uploaded file (evidence, source documents) may be, judged by its bytes
# (core/uploads.py FILE_KINDS), not by its name.
EDUPLAN_UPLOAD_ALLOWED_TYPES = env_str(
    "EDUPLAN_UPLOAD_ALLOWED_TYPES", "pdf png jpeg gif docx xlsx pptx doc xls ppt txt"
).split()
# A request body above this is refused (413) before it is read; the gateway in front should
# refuse it too (nginx client_max_body_size, docs/deployment.md). Five files of the upload
# limit fit.
EDUPLAN_REQUEST_MAX_BYTES = env_int("EDUPLAN_REQUEST_MAX_BYTES", 52 * 1024 * 1024)
# Fields other than files (forms, JSON): Django refuses more than this while reading.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
# A file larger than this goes to a temporary file while it is received, not to memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The first handler stops an upload past EDUPLAN_UPLOAD_MAX_BYTES while it streams in.
FILE_UPLOAD_HANDLERS = [
    "eduplan.core.requests.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Office files (.xlsx, .docx) are zip archives: checked before any parse (core/archives.py).
EDUPLAN_ARCHIVE_MAX_PARTS = env_int("EDUPLAN_ARCHIVE_MAX_PARTS", 1000)
EDUPLAN_ARCHIVE_MAX_PART_BYTES = env_int("EDUPLAN_ARCHIVE_MAX_PART_BYTES", 64 * 1024 * 1024)
EDUPLAN_ARCHIVE_MAX_TOTAL_BYTES = env_int("EDUPLAN_ARCHIVE_MAX_TOTAL_BYTES", 100 * 1024 * 1024)
EDUPLAN_ARCHIVE_MAX_RATIO = env_int("EDUPLAN_ARCHIVE_MAX_RATIO", 100)
# A sheet read from an upload stops at the first row, column or text past these.
EDUPLAN_SHEET_MAX_ROWS = env_int("EDUPLAN_SHEET_MAX_ROWS", 200_000)
EDUPLAN_SHEET_MAX_COLUMNS = env_int("EDUPLAN_SHEET_MAX_COLUMNS", 500)
EDUPLAN_SHEET_MAX_STRING_CHARS = env_int("EDUPLAN_SHEET_MAX_STRING_CHARS", 32_767)
# An uploaded file no row points to (a crash between writing it and committing its row)
# is removed by the worker's daily run once it is older than this.
EDUPLAN_ORPHAN_FILE_GRACE_SECONDS = env_int("EDUPLAN_ORPHAN_FILE_GRACE_SECONDS", 3600)
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Background work (rules runs, reminders) goes through Django's tasks interface; the
# database backend keeps the queue in the database, run by `eduplan worker`.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Domain settings (DOMAIN.md): defaults that another city may change.
EDUPLAN_LARGE_CLASS_MIN = env_int("EDUPLAN_LARGE_CLASS_MIN", 56)
EDUPLAN_HUGE_CLASS_MIN = env_int("EDUPLAN_HUGE_CLASS_MIN", 66)
# Whether "大班额" in targets counts 56–65 only (False) or every class of 56 and more (True).
EDUPLAN_LARGE_CLASS_INCLUDES_HUGE = env_bool("EDUPLAN_LARGE_CLASS_INCLUDES_HUGE", False)
# Figures count approved reports; set to also count submitted ones awaiting approval.
EDUPLAN_FIGURES_INCLUDE_SUBMITTED = env_bool("EDUPLAN_FIGURES_INCLUDE_SUBMITTED", False)
# Target status thresholds: share of the expected progress reached (DOMAIN.md defaults).
EDUPLAN_ON_TRACK_MIN = float(env_str("EDUPLAN_ON_TRACK_MIN", "0.95"))
EDUPLAN_AT_RISK_MIN = float(env_str("EDUPLAN_AT_RISK_MIN", "0.85"))
# Days after a judged target's due date by which its owner department must record the
# outcome; after that it reads 未评估 and the not-assessed warning rule raises an order.
EDUPLAN_ASSESSMENT_DAYS = env_int("EDUPLAN_ASSESSMENT_DAYS", 31)
EDUPLAN_PLAN_FILE_MAX_BYTES = env_int("EDUPLAN_PLAN_FILE_MAX_BYTES", 5 * 1024 * 1024)

# Supervision (督办, DOMAIN.md "How bureaus supervise"): days a unit has to respond to an
# order, to sign for it before it counts as behind schedule, how near the deadline an order
# turns blue, how long after it an undone order turns red, and each rule's grace days.
EDUPLAN_SUPERVISION_RESPOND_DAYS = env_int("EDUPLAN_SUPERVISION_RESPOND_DAYS", 7)
EDUPLAN_SUPERVISION_SIGN_DAYS = env_int("EDUPLAN_SUPERVISION_SIGN_DAYS", 2)
EDUPLAN_SUPERVISION_BLUE_DAYS = env_int("EDUPLAN_SUPERVISION_BLUE_DAYS", 3)
EDUPLAN_SUPERVISION_RED_DAYS = env_int("EDUPLAN_SUPERVISION_RED_DAYS", 7)
EDUPLAN_SUPERVISION_REPORT_MISSING_DAYS = env_int("EDUPLAN_SUPERVISION_REPORT_MISSING_DAYS", 5)
EDUPLAN_SUPERVISION_MILESTONE_GRACE_DAYS = env_int("EDUPLAN_SUPERVISION_MILESTONE_GRACE_DAYS", 0)
EDUPLAN_SUPERVISION_APPROVAL_PENDING_DAYS = env_int("EDUPLAN_SUPERVISION_APPROVAL_PENDING_DAYS", 5)
# An overdue order is reminded again every so many days (one reminder per window).
EDUPLAN_SUPERVISION_REMIND_EVERY_DAYS = env_int("EDUPLAN_SUPERVISION_REMIND_EVERY_DAYS", 7)
# Targets are judged as of the last period of this type that has ended.
EDUPLAN_SUPERVISION_TARGET_PERIOD_TYPE = env_str(
    "EDUPLAN_SUPERVISION_TARGET_PERIOD_TYPE", "bimonthly"
)
# The supervision office's own department (督查室): responsible for work points' targets.
EDUPLAN_SUPERVISION_OFFICE_CODE = env_str("EDUPLAN_SUPERVISION_OFFICE_CODE", "DEPT-DCS")
# The daily rules run is queued for this hour (Asia/Shanghai) by `eduplan worker`.
EDUPLAN_SUPERVISION_RUN_HOUR = env_int("EDUPLAN_SUPERVISION_RUN_HOUR", 6)
# Reporting periods on a schedule (the daily run, `eduplan reporting run`): a period opens on
# its first day, or, if this is above 0, only so many days before it ends; each unit with a
# report not yet submitted is reminded once so many days before its due date; a period
# closes for entry so many days after its due date (a report an approver returns or
# reopens may still be changed and resubmitted).
EDUPLAN_REPORTING_OPEN_DAYS_BEFORE_END = env_int("EDUPLAN_REPORTING_OPEN_DAYS_BEFORE_END", 0)
EDUPLAN_REPORTING_REMIND_DAYS_BEFORE_DUE = env_int("EDUPLAN_REPORTING_REMIND_DAYS_BEFORE_DUE", 3)
EDUPLAN_REPORTING_CLOSE_DAYS_AFTER_DUE = env_int("EDUPLAN_REPORTING_CLOSE_DAYS_AFTER_DUE", 30)
# Where links in reminder e-mails point.
EDUPLAN_SITE_URL = env_str("EDUPLAN_SITE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
