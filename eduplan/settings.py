"""EduPlan settings: one module, driven by environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.contrib.messages import constants as message_constants
from django.core.exceptions import ImproperlyConfigured

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


# DJANGO_ENV says what this process is: "production" (the default, so that a deployment
# that forgets to say is not left open) or "development" (`./run demo`, `./run test`,
# and pytest through pyproject.toml set it). Production turns on the secure settings below,
# and with DEBUG off no server or command starts on the public development key
# (eduplan/core/checks.py).
ENVIRONMENTS = ("production", "development")
DJANGO_ENV = env_str("DJANGO_ENV", "production").strip().lower()
if DJANGO_ENV not in ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"DJANGO_ENV={DJANGO_ENV!r}: expected one of {', '.join(ENVIRONMENTS)}."
    )
PRODUCTION = DJANGO_ENV == "production"
DEVELOPMENT_SECRET_KEY = "eduplan-development-only-key-change-me"
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "eduplan.core.staticfiles.StaticFilesConfig",  # collectstatic leaves out unlinked npm files
    "axes",
    "csp",
    "eduplan.core",
    "eduplan.org",
    # Before plans: its `plan` command (plans' show and load, plus parse and import) is
    # the one Django runs, as the first app listed wins a command's name.
    "eduplan.planimport",
    "eduplan.plans",
    "eduplan.construction",
    "eduplan.reporting",
    "eduplan.ledgers",
    "eduplan.kindergartens",
    "eduplan.teachers",
    "eduplan.petitions",
    "eduplan.safety",
    "eduplan.valueadded",
    "eduplan.api",
    "eduplan.indicators",
    "django_tasks",
    "eduplan.supervision.task_queue.TaskQueueConfig",  # django_tasks_db, named for the admin
    "eduplan.supervision",
    "eduplan.appraisal",
    "eduplan.football",
    "eduplan.dashboards",
    "eduplan.workbench",
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
    "eduplan.org.accounts.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "eduplan.core.csp.CSPMiddleware",  # django-csp's, the policy built once
    "eduplan.org.access.AccessMiddleware",
    # After the access check: a read-only page's reads go to a replica (core/routing.py).
    "eduplan.core.replica_middleware.ReplicaReadsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its refusal page.
    "axes.middleware.AxesMiddleware",
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


def database_from_url(url: str) -> dict[str, Any]:
    """One DATABASES entry from a URL, with how its connections are kept.

    PostgreSQL takes its connections from a pool in each web process (psycopg's pool
    through Django, DB_POOL on by default): a request no longer pays for a new server
    connection (about 15 ms and a PostgreSQL process fork each). DB_POOL=false falls
    back to one connection per request, or to persistent connections with
    DB_CONN_MAX_AGE seconds (checked before reuse: DB_CONN_HEALTH_CHECKS)."""
    database = dj_database_url.parse(
        url,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
    if database["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_POOL", True):
        if database["CONN_MAX_AGE"]:
            raise ImproperlyConfigured(
                "DB_POOL and DB_CONN_MAX_AGE exclude each other: set DB_POOL=false to keep "
                "persistent connections, or DB_CONN_MAX_AGE=0 to take them from the pool."
            )
        database.setdefault("OPTIONS", {})["pool"] = {
            # Per web process: one connection per gunicorn thread is enough (gunicorn.conf.py).
            "min_size": env_int("DB_POOL_MIN_SIZE", 2),
            "max_size": env_int("DB_POOL_MAX_SIZE", 16),
            # A request waits this long for a free connection before it fails.
            "timeout": env_int("DB_POOL_TIMEOUT", 10),
        }
    return dict(database)


DATABASES = {"default": database_from_url(env_str("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Connections that rebuild the figures store at once on PostgreSQL (core/figure_rebuild.py;
# 0: one per core).
EDUPLAN_STORE_BUILD_WORKERS = env_int("EDUPLAN_STORE_BUILD_WORKERS", 0)
# Read replicas (docs/ARCHITECTURE.md, "Read replicas"): DATABASE_REPLICA_URLS names
# streaming replicas of the PostgreSQL primary, comma-separated; they become the aliases
# replica1, replica2 … Read-only pages read them (core/routing.py); writes, migrations and
# a writer's next reads stay on the primary. In tests a replica mirrors `default`.
EDUPLAN_DB_REPLICAS: list[str] = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", ""), start=1):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL.")
    # A replica keeps plain connections (a pool would wait out its timeout on one that is
    # down, where the router should move on to the primary at once).
    _replica: dict[str, Any] = dict(
        dj_database_url.parse(
            _url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0), conn_health_checks=True
        )
    )
    if _replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS: replica {_number} is not PostgreSQL.")
    _replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
    EDUPLAN_DB_REPLICAS.append(f"replica{_number}")
DATABASE_ROUTERS = ["eduplan.core.routing.ReplicaRouter"]
# The URL namespaces whose GET pages only read (other views: @replica_reads).
EDUPLAN_REPLICA_NAMESPACES = ["dashboards", "public", "api_v1"]
# A replica that failed is tried again after this many seconds.
EDUPLAN_REPLICA_RETRY_SECONDS = env_int("EDUPLAN_REPLICA_RETRY_SECONDS", 30)
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
            "BACKEND": "eduplan.core.object_cache.ObjectCache",  # objects, not pickles
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
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("EDUPLAN_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Repeated failed logins lock out (django-axes): an account after so many failures from
# anywhere, an address after so many failures on any accounts, each for the cool-off
# hours; an administrator unlocks earlier (admin 访问尝试, or `eduplan users unlock`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("EDUPLAN_LOGIN_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = env_int("EDUPLAN_LOGIN_COOLOFF_HOURS", 1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "eduplan.org.accounts.client_ip"
AXES_VERBOSE = False
# Behind a gateway every request comes from the gateway: name the header it sets with the
# client's address (e.g. HTTP_X_REAL_IP) so that lockouts count per client.
EDUPLAN_CLIENT_IP_HEADER = env_str("EDUPLAN_CLIENT_IP_HEADER", "")
# A session ends after this many minutes without a request (use renews it, at most once
# a minute: org/accounts.py), and when its user's password changes (Django's session hash).
SESSION_COOKIE_AGE = env_int("EDUPLAN_SESSION_IDLE_MINUTES", 30) * 60
# An administrator-issued reset link (`eduplan users reset-link USERNAME`) works once,
# for this many hours.
PASSWORD_RESET_TIMEOUT = env_int("EDUPLAN_RESET_LINK_HOURS", 24) * 3600
# API tokens expire this many days after they are issued (`eduplan apitoken create`).
EDUPLAN_API_TOKEN_DAYS = env_int("EDUPLAN_API_TOKEN_DAYS", 90)
LOGIN_URL = "login"
# Everyone lands on their 工作台 (my work); a leader goes on to the cockpit.
LOGIN_REDIRECT_URL = "workbench:home"
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
# Pages link each asset under a name carrying its content's hash once `eduplan collectstatic`
# has run (`eduplan demo` runs it), and whitenoise serves those compressed and cached for a
# year (core/staticfiles.py). Tests link plain names (pyproject.toml sets this off for pytest).
EDUPLAN_STATIC_HASHED = env_bool("EDUPLAN_STATIC_HASHED", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "eduplan.core.staticfiles.HashedStaticStorage"
            if EDUPLAN_STATIC_HASHED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
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
# The largest count (pupils, classes, schools …) a form or ledger element takes when its
# definition names no maximum of its own: 1e14 pupils is a typing error, not a figure.
EDUPLAN_COUNT_MAX = env_int("EDUPLAN_COUNT_MAX", 10_000_000)
EDUPLAN_LARGE_CLASS_MIN = env_int("EDUPLAN_LARGE_CLASS_MIN", 56)
EDUPLAN_HUGE_CLASS_MIN = env_int("EDUPLAN_HUGE_CLASS_MIN", 66)
# Whether "大班额" in targets counts 56–65 only (False) or every class of 56 and more (True).
EDUPLAN_LARGE_CLASS_INCLUDES_HUGE = env_bool("EDUPLAN_LARGE_CLASS_INCLUDES_HUGE", False)
# Teachers' continuing education (继续教育): 360 hours per five-year cycle is national;
# the first cycle's year, the annual minimum and the hours a credit stands for differ by
# province. EDUPLAN_TEACHERS_DEPARTMENT_CODE: the department that keeps the register and,
# with each school for its own teachers, alone sees their personal fields.
EDUPLAN_TEACHERS_CYCLE_START = env_int("EDUPLAN_TEACHERS_CYCLE_START", 2016)
EDUPLAN_TEACHERS_CYCLE_YEARS = env_int("EDUPLAN_TEACHERS_CYCLE_YEARS", 5)
EDUPLAN_TEACHERS_CYCLE_MIN_HOURS = env_int("EDUPLAN_TEACHERS_CYCLE_MIN_HOURS", 360)
EDUPLAN_TEACHERS_ANNUAL_MIN_HOURS = env_int("EDUPLAN_TEACHERS_ANNUAL_MIN_HOURS", 72)
EDUPLAN_TEACHERS_HOURS_PER_CREDIT = env_int("EDUPLAN_TEACHERS_HOURS_PER_CREDIT", 10)
EDUPLAN_TEACHERS_DEPARTMENT_CODE = env_str("EDUPLAN_TEACHERS_DEPARTMENT_CODE", "DEPT-JSC")
# Figures count approved reports; set to also count submitted ones awaiting approval.
EDUPLAN_FIGURES_INCLUDE_SUBMITTED = env_bool("EDUPLAN_FIGURES_INCLUDE_SUBMITTED", False)
# Target status thresholds: share of the expected progress reached (DOMAIN.md defaults).
EDUPLAN_ON_TRACK_MIN = float(env_str("EDUPLAN_ON_TRACK_MIN", "0.95"))
EDUPLAN_AT_RISK_MIN = float(env_str("EDUPLAN_AT_RISK_MIN", "0.85"))
# Days after a judged target's due date by which its owner department must record the
# outcome; after that it reads 未评估 and the not-assessed warning rule raises an order.
EDUPLAN_ASSESSMENT_DAYS = env_int("EDUPLAN_ASSESSMENT_DAYS", 31)
EDUPLAN_PLAN_FILE_MAX_BYTES = env_int("EDUPLAN_PLAN_FILE_MAX_BYTES", 5 * 1024 * 1024)
# Value-added evaluation (增值性评价): no school figure is shown for fewer pupils than
# this, and the departments (org codes) that import the records and see every school.
EDUPLAN_VALUEADDED_MIN_PUPILS = env_int("EDUPLAN_VALUEADDED_MIN_PUPILS", 30)
EDUPLAN_VALUEADDED_DEPARTMENTS = env_list("EDUPLAN_VALUEADDED_DEPARTMENTS", "DEPT-JCJY")

# Supervision (督办, DOMAIN.md "How bureaus supervise"): days a unit has to respond to an
# order, to sign for it before it counts as behind schedule, how near the deadline an order
# turns blue, how long after it an undone order turns red, and each rule's grace days.
# 学前教育: the department that reviews kindergartens' applications for the city, and how
# many working days (Monday to Friday) a public notice (公示) runs.
EDUPLAN_PRESCHOOL_DEPARTMENT = env_str("EDUPLAN_PRESCHOOL_DEPARTMENT", "DEPT-XQJY")
EDUPLAN_PRESCHOOL_NOTICE_WORKING_DAYS = env_int("EDUPLAN_PRESCHOOL_NOTICE_WORKING_DAYS", 5)
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
# Petitions (信访): the department that registers and routes cases (信访办公室) and alone
# reads petitioners' identities; how many days before an office deadline a case warns;
# from how many petitioners a case is a group petition (集体访).
EDUPLAN_PETITIONS_OFFICE_CODE = env_str("EDUPLAN_PETITIONS_OFFICE_CODE", "DEPT-XF")
EDUPLAN_PETITION_NEAR_DAYS = env_int("EDUPLAN_PETITION_NEAR_DAYS", 3)
EDUPLAN_PETITION_GROUP_SIZE = env_int("EDUPLAN_PETITION_GROUP_SIZE", 5)
# Campus safety: a school bus's licence, driver's qualification or vehicle inspection
# raises an order (licence_expiring) once it runs out within so many days.
EDUPLAN_SAFETY_LICENCE_WARN_DAYS = env_int("EDUPLAN_SAFETY_LICENCE_WARN_DAYS", 30)
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

# Production: cookies only over HTTPS, HSTS, HTTP redirected to HTTPS, and the gateway's
# X-Forwarded-Proto trusted to say a request came over HTTPS. Each may be turned off by
# its variable (e.g. a gateway that redirects itself); development leaves them off.
SESSION_COOKIE_SECURE = env_bool("EDUPLAN_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("EDUPLAN_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("EDUPLAN_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("EDUPLAN_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("EDUPLAN_HSTS_PRELOAD", PRODUCTION)
if env_bool("EDUPLAN_BEHIND_PROXY", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site
# only; templates carry no inline script, event handler or style attribute (a test
# reads them all), so nothing needs 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
