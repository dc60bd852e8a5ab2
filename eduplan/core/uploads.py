"""Uploaded files (evidence, source documents, attachments): one check for every app, so
a file is refused the same way wherever it is given, and one way to hand a stored file
back.

A file is judged by its bytes, not its name: its first bytes (and, for an Office file,
the parts of its zip archive) must show one of the kinds EDUPLAN_UPLOAD_ALLOWED_TYPES
allows, and its name must end as that kind does, so that an .exe renamed .pdf, or a PDF
named .exe, is refused. A stored file is served as an attachment, with a safe name,
`X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy, so that even
a crafted file never runs in the platform's origin.
"""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.text import filename_safe

ERR_FILE_EMPTY = gettext_lazy("The file %(name)s is empty.")
ERR_FILE_TOO_LARGE = gettext_lazy("The file %(name)s is %(size)s; a file may be at most %(max)s.")
ERR_FILE_KIND = gettext_lazy(
    "The file %(name)s is not of an allowed kind (allowed: %(allowed)s); "
    "its content, not only its name, must be one of them."
)
ERR_FILE_NAME = gettext_lazy(
    "The file %(name)s holds a %(kind)s document but is not named so: "
    "rename it to end in %(extensions)s."
)
ATTACHMENT_CSP = "default-src 'none'; sandbox"
HEAD_BYTES = 8192
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileKind:
    code: str
    extensions: tuple[str, ...]
    content_type: str


FILE_KINDS = {
    kind.code: kind
    for kind in (
        FileKind("pdf", (".pdf",), "application/pdf"),
        FileKind("png", (".png",), "image/png"),
        FileKind("jpeg", (".jpg", ".jpeg"), "image/jpeg"),
        FileKind("gif", (".gif",), "image/gif"),
        FileKind(
            "docx",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileKind(
            "xlsx", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        FileKind(
            "pptx",
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        FileKind("doc", (".doc",), "application/msword"),
        FileKind("xls", (".xls",), "application/vnd.ms-excel"),
        FileKind("ppt", (".ppt",), "application/vnd.ms-powerpoint"),
        FileKind("txt", (".txt", ".csv"), "text/plain"),
    )
}
OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
OLE_BY_EXTENSION = {".doc": "doc", ".xls": "xls", ".ppt": "ppt"}


def _ooxml_kind(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for folder, code in OOXML_FOLDERS.items():
        if any(n.startswith(folder) for n in names):
            return code
    return None


def _text_kind(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut at the end of the sample
                return "txt"
            continue
        return "txt"
    return None


def file_kind_detect(stream: IO[bytes], name: str) -> str | None:
    """The kind (FILE_KINDS code) the file's bytes show, or None; the name only tells
    apart the old Office formats, which share one container."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(OLE):
        return OLE_BY_EXTENSION.get(extension, "doc")
    if head.startswith(b"PK\x03\x04"):
        kind = _ooxml_kind(stream)
        stream.seek(0)
        return kind
    if head.startswith((b"MZ", b"\x7fELF", b"#!")):
        return None
    return _text_kind(head)


def upload_check(upload: UploadedFile[Any], *, where: str) -> None:
    """Refuse an empty file, one above EDUPLAN_UPLOAD_MAX_BYTES, or one whose content is
    not an allowed kind or does not match its name, naming it."""
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
    allowed = [c for c in settings.EDUPLAN_UPLOAD_ALLOWED_TYPES if c in FILE_KINDS]
    code = file_kind_detect(upload.file, name)  # type: ignore[arg-type]
    if code is None or code not in allowed:
        extensions = ", ".join(e for c in allowed for e in FILE_KINDS[c].extensions)
        raise InputError(str(ERR_FILE_KIND) % {"name": name, "allowed": extensions}, where=where)
    kind = FILE_KINDS[code]
    if not name.lower().endswith(kind.extensions):
        raise InputError(
            str(ERR_FILE_NAME)
            % {"name": name, "kind": code.upper(), "extensions": " / ".join(kind.extensions)},
            where=where,
        )


def attachment_response(handle: IO[bytes], name: str) -> FileResponse:
    """A stored file handed back for download only: an attachment with a safe name, its
    kind's content type (octet-stream if unknown), no sniffing, and a CSP that lets
    nothing in it run."""
    safe = filename_safe(name)
    content_type = "application/octet-stream"
    for kind in FILE_KINDS.values():
        if safe.lower().endswith(kind.extensions) and kind.code != "txt":
            content_type = kind.content_type
    response = FileResponse(handle, as_attachment=True, filename=safe, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def upload_orphans_sweep(*, older_than_seconds: int | None = None) -> list[str]:
    """Delete every stored file (under MEDIA_ROOT) that no row's file field names and
    that is older than the grace period (EDUPLAN_ORPHAN_FILE_GRACE_SECONDS), so that an
    upload whose row was never committed (a crash, a killed process) leaves nothing
    behind. Returns the names removed. Run by the worker's daily run."""
    grace = (
        settings.EDUPLAN_ORPHAN_FILE_GRACE_SECONDS
        if older_than_seconds is None
        else older_than_seconds
    )
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    referenced: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names = model._default_manager.exclude(**{field.name: ""}).values_list(
                    field.name, flat=True
                )
                referenced.update(str(n) for n in names if n)
    cutoff = time.time() - grace
    removed: list[str] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(root).as_posix()
        if name in referenced:
            continue
        try:
            if path.stat().st_mtime > cutoff:
                continue  # perhaps an upload whose row is being committed right now
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(name)
    return removed
