"""Checking an uploaded Office file (.xlsx, .docx, .pptx: a zip archive) before anything
parses it.

A crafted archive of a few hundred kilobytes may unpack to gigabytes (a zip bomb): a
sheet of zeros, a shared-strings part no cell uses, thousands of parts. Every import
calls `archive_check` first; it reads only the archive's directory (never a part), so a
bomb is refused in milliseconds with a message that says which part and why. The
limits are settings (EDUPLAN_ARCHIVE_*). A part's declared size is also enforced while
it is read (`archive_part_open`), so an archive that lies in its directory stops at
the declared size.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError

ERR_TOO_MANY_PARTS = gettext_lazy(
    "The file holds %(n)s parts; an Office document may hold at most %(max)s."
)
ERR_PART_TOO_LARGE = gettext_lazy(
    "The part %(part)s unpacks to %(size)s; a part may unpack to at most %(max)s."
)
ERR_TOTAL_TOO_LARGE = gettext_lazy(
    "The file unpacks to %(size)s; a file may unpack to at most %(max)s."
)
ERR_RATIO = gettext_lazy(
    "The part %(part)s is compressed %(ratio)s times (a crafted file); "
    "an Office document's parts are compressed at most %(max)s times."
)
ERR_ENCRYPTED = gettext_lazy("The part %(part)s is encrypted; save the file without a password.")
# Below this a part's ratio is not judged: a small XML part of repeated tags may
# compress very well and harms nobody.
RATIO_FLOOR = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    parts: int
    part_bytes: int
    total_bytes: int
    ratio: int

    @classmethod
    def from_settings(cls) -> ArchiveLimits:
        return cls(
            parts=settings.EDUPLAN_ARCHIVE_MAX_PARTS,
            part_bytes=settings.EDUPLAN_ARCHIVE_MAX_PART_BYTES,
            total_bytes=settings.EDUPLAN_ARCHIVE_MAX_TOTAL_BYTES,
            ratio=settings.EDUPLAN_ARCHIVE_MAX_RATIO,
        )


def archive_check(data: bytes, *, where: str = "", limits: ArchiveLimits | None = None) -> None:
    """Refuse (InputError) an archive whose parts are too many, too large unpacked (each
    or together), encrypted or too highly compressed; reads no part. A file that is not
    a zip at all raises zipfile.BadZipFile, which each import reports in its own words."""
    limits = limits or ArchiveLimits.from_settings()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # BadZipFile: the caller names the file
        infos = archive.infolist()
    if len(infos) > limits.parts:
        raise InputError(
            str(ERR_TOO_MANY_PARTS) % {"n": len(infos), "max": limits.parts}, where=where
        )
    total = 0
    for info in infos:
        size, part = info.file_size, info.filename[:120]
        if info.flag_bits & 0x1:
            raise InputError(str(ERR_ENCRYPTED) % {"part": part}, where=where)
        if size > limits.part_bytes:
            raise InputError(
                str(ERR_PART_TOO_LARGE)
                % {
                    "part": part,
                    "size": filesizeformat(size),
                    "max": filesizeformat(limits.part_bytes),
                },
                where=where,
            )
        ratio = size // max(info.compress_size, 1)
        if size > RATIO_FLOOR and ratio > limits.ratio:
            raise InputError(
                str(ERR_RATIO) % {"part": part, "ratio": ratio, "max": limits.ratio}, where=where
            )
        total += size
    if total > limits.total_bytes:
        raise InputError(
            str(ERR_TOTAL_TOO_LARGE)
            % {"size": filesizeformat(total), "max": filesizeformat(limits.total_bytes)},
            where=where,
        )


def archive_part_open(archive: zipfile.ZipFile, name: str) -> IO[bytes]:
    """A part opened for streaming; zipfile stops at the size the directory declares
    (and fails on a CRC mismatch), so a lying directory cannot unpack more."""
    return archive.open(name)
