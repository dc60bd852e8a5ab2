"""Excel pages: download a form's template for a unit (a school's row, a district's
schools' rows) and upload it filled in, seeing what was stored or every problem."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.periods import Period, PeriodCodeError, period_from_code
from eduplan.core.workbooks import WORKBOOK_ACCEPT
from eduplan.org.access import Action, requires
from eduplan.org.models import OrgUnit
from eduplan.reporting.models import Form
from eduplan.reporting.xlsx import (
    ImportResult,
    xlsx_import,
    xlsx_size_problem,
    xlsx_template,
    xlsx_units,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_ACCEPT = WORKBOOK_ACCEPT


@dataclass(frozen=True)
class XlsxTarget:
    """A form and period for a unit's subtree; access is decided on the unit."""

    form: Form
    period: Period
    unit: OrgUnit

    @property
    def scope_unit(self) -> OrgUnit:
        return self.unit


def _target(form_code: str, period_code: str, org_code: str) -> XlsxTarget:
    form = get_object_or_404(Form.objects.select_related("current_version"), code=form_code)
    try:
        period = period_from_code(period_code)
    except PeriodCodeError:
        raise Http404 from None
    if period.type != form.period_type:
        raise Http404
    return XlsxTarget(form, period, get_object_or_404(OrgUnit, code=org_code))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled template (.xlsx)"),
        widget=forms.FileInput(attrs={"accept": XLSX_ACCEPT}),
    )
    submit = forms.BooleanField(
        label=gettext_lazy("Also submit each report for approval"), required=False
    )


@requires(Action.REPORT_ENTER, load=_target)
def xlsx_template_download(request: HttpRequest, target: XlsxTarget) -> HttpResponse:
    units = xlsx_units(
        user=request.user, form=target.form, period_code=target.period.code, unit=target.unit
    )
    try:
        content = xlsx_template(form=target.form, period_code=target.period.code, units=units)
    except InputError as exc:
        messages.error(request, exc.message)
        return redirect(
            "reporting_xlsx:upload",
            form_code=target.form.code,
            period_code=target.period.code,
            org_code=target.unit.code,
        )
    filename = f"{target.form.code}-{target.period.code}-{target.unit.code}.xlsx"
    return HttpResponse(
        content,
        content_type=XLSX_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@requires(Action.REPORT_ENTER, load=_target)
def xlsx_upload(request: HttpRequest, target: XlsxTarget) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    result: ImportResult | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        too_large = xlsx_size_problem(upload.size or 0)
        if too_large is not None:
            result = ImportResult(problems=[too_large])  # refused before reading it
        else:
            result = xlsx_import(
                user=request.user,
                form=target.form,
                period_code=target.period.code,
                data=upload.read(),
                filename=upload.name or "",
                submit=form.cleaned_data["submit"],
            )
        if result.ok:
            messages.success(
                request,
                _("Stored %(stored)s reports (%(submitted)s submitted, %(unchanged)s unchanged).")
                % {
                    "stored": result.stored,
                    "submitted": result.submitted,
                    "unchanged": result.unchanged,
                },
            )
            for note in result.notes:
                messages.info(
                    request,
                    _("Sheet %(sheet)s, cell %(cell)s (%(element)s): %(message)s")
                    % {
                        "sheet": note.sheet,
                        "cell": f"{note.column}{note.row}",
                        "element": note.element,
                        "message": note.message,
                    },
                )
            return redirect(request.path)
    units = xlsx_units(
        user=request.user, form=target.form, period_code=target.period.code, unit=target.unit
    )
    return render(
        request,
        "reporting/xlsx_upload.html",
        {
            "target": target,
            "form": form,
            "unit_count": len(units),
            "result": result,
        },
        status=400 if result is not None and not result.ok else 200,
    )
