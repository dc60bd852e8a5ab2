"""What every router shares: the caller, loading forms, periods and units from the path,
and the shapes of error bodies."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Schema

from eduplan.core.periods import Period, PeriodCodeError, period_from_code
from eduplan.org.access import SignedInUser
from eduplan.org.models import OrgUnit
from eduplan.reporting.models import Form

ERR_NO_FORM = gettext_lazy("No form has the code “%(code)s”.")
ERR_NO_UNIT = gettext_lazy("No unit has the code “%(code)s”.")
ERR_PERIOD = gettext_lazy("“%(code)s” is not a period code (e.g. 2016B3, 201605, 2016Q2, 2016T1).")
ERR_PERIOD_TYPE = gettext_lazy(
    "“%(code)s” is not a period of the form “%(form)s”, which is reported per %(type)s."
)
PERIOD_TYPES = {
    "monthly": gettext_lazy("month"),
    "bimonthly": gettext_lazy("two months"),
    "quarterly": gettext_lazy("quarter"),
    "term": gettext_lazy("term"),
    "yearly": gettext_lazy("year"),
}


class Detail(Schema):
    detail: str


# An error body stays small whatever was sent (a 1.5 MB value, 100,000 unknown keys).
MAX_PROBLEMS = 50
MESSAGE_LIMIT = 300


class Problem(Schema):
    element: str = Field(
        description="The field refused (a form element, a ledger field, reason, revision …); "
        "empty when the refusal concerns the whole request. At most 80 characters."
    )
    message: str = Field(
        description="What is wrong, in the caller's language; a refused value is quoted in at "
        "most 80 characters, the message in at most 300."
    )
    severity: str = Field("error", description="error, or warning (a rule to explain)")


class Problems(Schema):
    """The answer to every 400: what was refused, field by field."""

    detail: str
    problems: list[Problem] = Field(
        description=f"At most {MAX_PROBLEMS} problems, then one that counts those left out."
    )


class BadRequest(ValueError):
    """Input the API refuses before any service sees it (answered 400)."""

    def __init__(self, message: str, *, element: str = "") -> None:
        self.element = element
        self.message = message
        super().__init__(message)


def caller(request: HttpRequest) -> SignedInUser:
    """The authenticated user (by token or session) that ninja put on the request."""
    # ninja sets `request.auth` at run time; Django's HttpRequest type does not have it.
    user: SignedInUser = request.auth  # type: ignore[attr-defined]
    return user


def load_form(code: str) -> Form:
    """The form by code (404 if unknown)."""
    form = Form.objects.select_related("current_version", "owner").filter(code=code).first()
    if form is None:
        raise Http404(ERR_NO_FORM % {"code": code})
    return form


def load_unit(code: str) -> OrgUnit:
    """The org unit by code (404 if unknown)."""
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise Http404(ERR_NO_UNIT % {"code": code})
    return unit


def load_period(form: Form, code: str) -> Period:
    """The period by code, of the form's type (400 otherwise)."""
    try:
        period = period_from_code(code)
    except PeriodCodeError:
        raise BadRequest(ERR_PERIOD % {"code": code}, element="period") from None
    if period.type != form.period_type:
        raise BadRequest(
            ERR_PERIOD_TYPE
            % {"form": form.code, "type": PERIOD_TYPES.get(form.period_type, ""), "code": code},
            element="period",
        )
    return period
