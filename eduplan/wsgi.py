"""WSGI entry point: `gunicorn eduplan.wsgi` or any WSGI server."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.settings")
application = get_wsgi_application()

# A production server does not start on the public development key (core/checks.py).
from eduplan.core.checks import refuse_insecure_start  # noqa: E402

refuse_insecure_start()
