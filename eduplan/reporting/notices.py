"""Notices of a report's steps that hand work to someone (through `core.inbox`: the
inbox at once, e-mail after commit to those who want it): a submitted report waits for
its approvers; a returned (or reopened) report goes back to its unit's people."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User as AuthUser
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from eduplan.core.inbox import Notice, notices_post
from eduplan.core.periods import period_from_code
from eduplan.org.models import PATH_SEPARATOR, Membership, Role
from eduplan.org.selectors import unit_members
from eduplan.reporting.models import Submission

NOTICE = "notice"  # the inbox's kind for a notice of a step
APPROVER_ROLES = (Role.DISTRICT_ADMIN, Role.DEPARTMENT, Role.SUPERVISION)


def submission_url(submission: Submission) -> str:
    """The report's entry page, as a full address for a message."""
    path = reverse(
        "reporting:entry",
        args=[submission.form.code, submission.period, submission.org_unit.code],
    )
    query = f"?{urlencode({'subject': submission.subject})}" if submission.subject else ""
    return settings.EDUPLAN_SITE_URL.rstrip("/") + path + query


def submission_approvers(submission: Submission) -> list[AuthUser]:
    """Active users whose role and scope put the report in their approval chain (one
    query: the memberships scoped to the report's unit's ancestors)."""
    unit = submission.org_unit
    codes = [code for code in unit.path.split(PATH_SEPARATOR) if code][:-1]
    members = Membership.objects.filter(
        role__in=APPROVER_ROLES, scope__code__in=codes, user__is_active=True
    ).select_related("user", "scope")
    return [m.user for m in members if submission.may_be_approved_by(m)]


def _values(submission: Submission) -> dict[str, str]:
    return {
        "form": submission.form.name,
        "period": period_from_code(submission.period).label,
        "unit": submission.org_unit.name,
    }


def submission_waiting_notify(*, submission: Submission) -> int:
    """Tell the approvers that a report waits for them. Returns the people told."""
    people = submission_approvers(submission)
    with translation.override(settings.LANGUAGE_CODE):
        values = _values(submission)
        subject = _("Waiting for your approval: %(form)s for %(period)s from %(unit)s") % values
        body = "\n".join([submission.comment, submission_url(submission)]).strip()
    notices_post([Notice(user=u, kind=NOTICE, subject=subject, body=body) for u in people])
    return len(people)


def submission_returned_notify(*, submission: Submission) -> int:
    """Tell the report's unit that it came back to them, with the reason. Returns the
    people told."""
    people = unit_members([submission.org_unit]).get(submission.org_unit_id, [])
    with translation.override(settings.LANGUAGE_CODE):
        values = _values(submission)
        subject = _("Report returned: %(form)s for %(period)s (%(unit)s)") % values
        lines = [
            _("Reason returned: %(reason)s") % {"reason": submission.returned_reason},
            _("Correct it and submit it again."),
            submission_url(submission),
        ]
    notices_post(
        [Notice(user=u, kind=NOTICE, subject=subject, body="\n".join(lines)) for u in people]
    )
    return len(people)
