"""Uploaded files (evidence, source documents, attachments): one check for every app, so
a file is refused the same way wherever it is given."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError

ERR_FILE_EMPTY = gettext_lazy("The file %(name)s is empty.")
ERR_FILE_TOO_LARGE = gettext_lazy("The file %(name)s is %(size)s; a file may be at most %(max)s.")


def upload_check(upload: UploadedFile[Any], *, where: str) -> None:
    """Refuse an empty file or one above EDUPLAN_UPLOAD_MAX_BYTES, naming it."""
    name = upload.name or "file"
    size = upload.size or 0
    if size == 0:
        raise InputError(str(ERR_FILE_EMPTY) % {"name": name}, where=where)
    limit = settings.EDUPLAN_UPLOAD_MAX_BYTES
    if size > limit:
        raise InputError(
            str(ERR_FILE_TOO_LARGE)
            % {"name": name, "size": filesizeformat(size), "max": filesizeformat(limit)},
            where=where,
        )
