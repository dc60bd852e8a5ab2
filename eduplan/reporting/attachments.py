"""Evidence files (佐证材料) on a report: added while the report is its unit's to edit."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.uploads import upload_check
from eduplan.org.access import Action, User, require, signed_in
from eduplan.reporting.entry_window import entry_open_require
from eduplan.reporting.models import Attachment, Submission, SubmissionEvent
from eduplan.reporting.services import EDITABLE

ERR_FILE_MISSING = gettext_lazy("Choose a file to upload.")
ERR_FILE_NEEDS_DRAFT = gettext_lazy("Save a draft before adding evidence files.")
ERR_FILE_LOCKED = gettext_lazy(
    "Evidence files can be added only while the report is a draft or returned."
)


@transaction.atomic
def attachment_add(
    *, user: User, submission: Submission | None, upload: UploadedFile[Any] | None
) -> Attachment:
    """Store an evidence file for an editable submission, refusing empty or large files."""
    if submission is None:
        raise InputError(str(ERR_FILE_NEEDS_DRAFT), where="file")
    require(user, Action.REPORT_ENTER, submission.org_unit)
    if submission.status not in EDITABLE:
        raise InputError(str(ERR_FILE_LOCKED), where="file")
    entry_open_require(
        form=submission.form, period_code=submission.period, status=submission.status
    )
    if upload is None:
        raise InputError(str(ERR_FILE_MISSING), where="file")
    upload_check(upload, where="file")
    size = upload.size or 0
    name = (upload.name or "file")[-200:]
    actor = signed_in(user)
    attachment = Attachment.objects.create(
        submission=submission, file=upload, name=name, size=size, uploaded_by=actor
    )
    SubmissionEvent.objects.create(
        submission=submission,
        actor=actor,
        action="attach",
        changes=[{"element": "attachment", "old": "", "new": name}],
    )
    return attachment
