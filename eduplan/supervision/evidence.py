"""Evidence (佐证材料) given with an order's feedback: files and links, checked whole
before anything is stored, so a refused item leaves no trace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.uploads import upload_check
from eduplan.org.access import User, signed_in
from eduplan.org.models import OrgUnit
from eduplan.supervision.models import OrderEvent, OrderEvidence, SupervisionOrder

ERR_LINK = gettext_lazy("Not a web address (http:// or https://): %(url)s")
NOTE_MAX = 300
URL_MAX = 500


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence to store: a file or a link, with a note."""

    upload: UploadedFile[Any] | None = None
    url: str = ""
    note: str = ""


def evidence_check(items: Sequence[EvidenceItem]) -> None:
    """Refuse the first bad item: an empty or too large file, a link that is not http(s)."""
    check_url = URLValidator(schemes=["http", "https"])
    for item in items:
        if item.upload is not None:
            upload_check(item.upload, where="evidence_files")
            continue
        try:
            if len(item.url) > URL_MAX:
                raise ValidationError("too long")
            check_url(item.url)
        except ValidationError:
            raise InputError(str(ERR_LINK) % {"url": item.url}, where="evidence_links") from None


def evidence_store(
    *,
    order: SupervisionOrder,
    event: OrderEvent,
    unit: OrgUnit,
    user: User,
    items: Sequence[EvidenceItem],
) -> list[OrderEvidence]:
    """Store checked evidence for the step `event` recorded, as given by `unit`."""
    actor = signed_in(user)
    stored = []
    for item in items:
        note = item.note.strip()[:NOTE_MAX]
        if item.upload is not None:
            row = OrderEvidence(
                order=order,
                event=event,
                unit=unit,
                file=item.upload,
                name=(item.upload.name or "file")[-200:],
                size=item.upload.size or 0,
                note=note,
                added_by=actor,
            )
        else:
            row = OrderEvidence(
                order=order, event=event, unit=unit, url=item.url, note=note, added_by=actor
            )
        row.save()
        stored.append(row)
    return stored
