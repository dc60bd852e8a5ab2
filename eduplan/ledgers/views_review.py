"""The review queue (/ledgers/review/): the records awaiting the reviewer's decision in
their scope, each approved or returned with a reason on the page.

Thin: the page declares its rule, the queue is `review_selectors.review_queue`, and each
decision goes through `review_services`, which checks the reviewer again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.ledgers.models import LedgerRecord
from eduplan.ledgers.review_selectors import QUEUE_MAX, review_queue, reviewed_ledgers
from eduplan.ledgers.review_services import record_approve, record_return
from eduplan.org.access import (
    Action,
    User,
    granted_actions,
    my_scope,
    require,
    requires_in_request,
)
from eduplan.org.models import OrgUnit
from eduplan.reporting.services import ConflictError

MSG_APPROVED = gettext_lazy("Record #%(id)s approved.")
MSG_RETURNED = gettext_lazy("Record #%(id)s returned to its keeper.")


def _reviewer_require(user: User) -> None:
    if Action.REPORT_APPROVE not in granted_actions(user):
        raise PermissionDenied(_("You may not do this here."))


def _decide(request: HttpRequest) -> tuple[str, int]:
    """Apply the posted decision; (message level, HTTP status)."""
    pk = request.POST.get("record", "")
    record = get_object_or_404(
        LedgerRecord.objects.select_related("org_unit"), pk=int(pk) if pk.isdigit() else 0
    )
    require(request.user, Action.REPORT_VIEW, record.org_unit)
    revision = request.POST.get("revision", "")
    seen = int(revision) if revision.isdigit() else None
    try:
        if request.POST.get("action") == "return":
            record_return(
                user=request.user,
                record=record,
                reason=request.POST.get("reason", ""),
                revision=seen,
            )
            messages.success(request, str(MSG_RETURNED % {"id": record.pk}))
        else:
            record_approve(user=request.user, record=record, revision=seen)
            messages.success(request, str(MSG_APPROVED % {"id": record.pk}))
    except ConflictError as exc:
        messages.error(request, str(exc))
        return "error", 409
    except InputError as exc:
        messages.error(request, f"#{record.pk}：{exc.message}")
        return "error", 400
    return "success", 200


@requires_in_request(Action.REPORT_VIEW, load=my_scope)
def review_queue_page(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    _reviewer_require(request.user)
    ledger_code = request.GET.get("ledger", "")[:40]
    status = 200
    if request.method == "POST":
        _level, status = _decide(request)
        if status == 200:
            return redirect(request.get_full_path())
    waiting, total = review_queue(user=request.user, ledger_code=ledger_code)
    return render(
        request,
        "ledgers/review.html",
        {
            "scope": scope,
            "waiting": waiting,
            "total": total,
            "more": max(0, total - QUEUE_MAX),
            "ledgers": reviewed_ledgers(),
            "ledger_code": ledger_code,
        },
        status=status,
    )
