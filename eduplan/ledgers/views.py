"""Ledger pages: the index, a ledger's records (filters, search, download), add, a
record (edit, retire, history), the Excel import, and a public ledger's page.

Thin views: each declares its rule (org/access.py), loads, calls a service or selector
and renders. The services check the user's right to each unit again.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.xlsx import XLSX_CONTENT_TYPE
from eduplan.ledgers.definitions import LedgerDefinition
from eduplan.ledgers.models import Ledger, LedgerFile, LedgerRecord, RecordStatus
from eduplan.ledgers.selectors import (
    columns,
    keeper_label,
    ledger_get,
    ledger_summaries,
    record_cells,
    record_files,
    record_history,
    record_rows,
    records_filtered,
    records_public,
    records_visible,
    unit_choices,
    unit_names,
)
from eduplan.ledgers.services import (
    definition_of,
    may_enter,
    record_create,
    record_retire,
    record_update,
)
from eduplan.ledgers.values import value_shown
from eduplan.ledgers.xlsx import ledger_xlsx_import, ledger_xlsx_template
from eduplan.org.access import (
    Action,
    User,
    can,
    granted_actions,
    my_scope,
    public,
    requires,
    requires_in_request,
    scope_of,
)
from eduplan.org.models import OrgUnit
from eduplan.reporting.services import ConflictError, SubmissionInvalid

PER_PAGE = 50
MSG_CREATED = gettext_lazy("Record added.")
MSG_UPDATED = gettext_lazy("Record saved.")
MSG_RETIRED = gettext_lazy("Record retired.")
MSG_IMPORTED = gettext_lazy("%(n)s records imported.")
MSG_REPLAYED = gettext_lazy(
    "This very file was imported already (%(n)s records); nothing was stored again."
)


@dataclass(frozen=True)
class LedgerIn:
    """A ledger as the target of an access rule: read inside the user's scope, kept by
    its department (or, for a ledger each unit keeps, inside the user's scope)."""

    ledger: Ledger
    scope_unit: OrgUnit | None


def ledger_in_scope(request: HttpRequest, code: str) -> LedgerIn:
    return LedgerIn(ledger_get(code), my_scope(request))


def ledger_for_entry(request: HttpRequest, code: str) -> LedgerIn:
    ledger = ledger_get(code)
    return LedgerIn(ledger, ledger.keeper_department or scope_of(request.user))


@dataclass(frozen=True)
class RecordFileIn:
    """A record's uploaded file as the target of an access rule: read where its record is."""

    file: LedgerFile

    @property
    def scope_unit(self) -> OrgUnit:
        return self.file.record.org_unit


def record_file_get(pk: int) -> RecordFileIn:
    return RecordFileIn(
        get_object_or_404(LedgerFile.objects.select_related("record__org_unit"), pk=pk)
    )


def record_get(pk: int) -> LedgerRecord:
    return get_object_or_404(
        LedgerRecord.objects.select_related(
            "ledger__current_version", "ledger__keeper_department", "org_unit"
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class FieldInput:
    """One field of the record form: what it is, what was typed, what is wrong."""

    code: str
    label: str
    type: str
    required: bool
    help: str
    choices: list[str]
    value: str
    selected: list[str]
    error: str
    units: list[str]  # a unit field's picker: "name（code）" of the units in the user's scope


def unit_typed(code: str, names: Mapping[str, str]) -> str:
    """A unit as the picker offers it, "name（code）" (read back as the code)."""
    return f"{names[code]}（{code}）" if code in names else code


def field_inputs(
    definition: LedgerDefinition,
    values: Mapping[str, Any],
    errors: Mapping[str, str],
    *,
    user: User,
    names: Mapping[str, str] | None = None,
) -> list[FieldInput]:
    """The form's fields; a stored unit shown by name and code (`names`: of stored codes)."""
    names = names or {}
    return [
        FieldInput(
            code=f["code"],
            label=f"{f['label']}（{f['unit']}）" if f.get("unit") else f["label"],
            type=f["type"],
            required=bool(f.get("required")),
            help=f.get("help", ""),
            choices=list(f.get("choices") or []),
            value=unit_typed(str(values.get(f["code"])), names)
            if f["type"] == "unit" and values.get(f["code"])
            else _shown(f, values.get(f["code"])),
            selected=[str(v) for v in values.get(f["code"]) or []]
            if f["type"] == "multi_choice"
            else [],
            error=errors.get(f["code"], ""),
            units=[f"{name}（{code}）" for name, code in unit_choices(user=user, field=f)]
            if f["type"] == "unit"
            else [],
        )
        for f in definition.fields
    ]


def _posted(
    request: HttpRequest, definition: LedgerDefinition, stored: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The fields the request sends (a field not sent keeps its stored value; the form
    sends every field, a set of checkboxes with a blank hidden input so that none ticked
    clears it); a file field keeps its stored file unless a new one is uploaded
    (`_uploads`)."""
    posted: dict[str, Any] = {}
    for f in definition.fields:
        if f["type"] == "file":
            posted[f["code"]] = (stored or {}).get(f["code"], "")
        elif f["code"] not in request.POST:
            continue
        elif f["type"] == "multi_choice":
            posted[f["code"]] = [v for v in request.POST.getlist(f["code"]) if v]
        else:
            posted[f["code"]] = request.POST.get(f["code"], "")
    return posted


def _uploads(request: HttpRequest, definition: LedgerDefinition) -> dict[str, Any]:
    """The files uploaded into the form's file fields (an empty file input is none)."""
    uploads = {f["code"]: request.FILES.get(f["code"]) for f in definition.fields}
    return {code: upload for code, upload in uploads.items() if upload is not None and upload.name}


@requires_in_request(Action.REPORT_VIEW, load=my_scope)
def ledger_index(request: HttpRequest, scope: OrgUnit) -> HttpResponse:
    reviews = Action.REPORT_APPROVE in granted_actions(request.user)
    context = {"ledgers": ledger_summaries(user=request.user), "reviews": reviews}
    return render(request, "ledgers/index.html", context)


@requires_in_request(Action.REPORT_VIEW, load=ledger_in_scope)
def ledger_records(request: HttpRequest, target: LedgerIn) -> HttpResponse:
    ledger = target.ledger
    assert ledger.current_version is not None
    definition = definition_of(ledger.current_version)
    records = records_filtered(
        records_visible(user=request.user, ledger=ledger), definition=definition, params=request.GET
    )
    shown = columns(definition)
    if request.GET.get("export") == "xlsx":
        exported = list(records)
        names = unit_names(definition, exported)
        cells = [
            record_cells(
                definition,
                r,
                shown,
                private=may_enter(request.user, ledger, r.org_unit),
                names=names,
            )
            for r in exported
        ]
        body = ledger_xlsx_template(ledger=ledger, rows=cells)
        response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="ledger-{ledger.code}.xlsx"'
        return response
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
    rows = record_rows(
        user=request.user, ledger=ledger, definition=definition, records=page, shown=shown
    )
    filters = [f for f in definition.fields if f["type"] in {"choice", "yes_no"}]
    return render(
        request,
        "ledgers/records.html",
        {
            "ledger": ledger,
            "definition": definition,
            "keeper": keeper_label(ledger),
            "columns": shown,
            "rows": rows,
            "page": page,
            "filters": [
                {
                    "code": f"f_{f['code']}",
                    "label": f["label"],
                    "choices": f.get("choices") or ["是", "否"],
                    "value": request.GET.get(f"f_{f['code']}", ""),
                }
                for f in filters
            ],
            "params": request.GET,
            "may_add": scope_of(request.user) is not None and _may_add(request, ledger),
            "statuses": RecordStatus.choices,
        },
    )


def _may_add(request: HttpRequest, ledger: Ledger) -> bool:
    return can(request.user, Action.REPORT_ENTER, ledger_for_entry(request, ledger.code))


def _shown(field: dict[str, Any], value: Any) -> str:
    return value if isinstance(value, str) else value_shown(field, value)


@requires_in_request(Action.REPORT_ENTER, load=ledger_for_entry)
def record_add(request: HttpRequest, target: LedgerIn) -> HttpResponse:
    ledger = target.ledger
    assert ledger.current_version is not None
    definition = definition_of(ledger.current_version)
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _posted(request, definition)
        try:
            record = record_create(
                user=request.user,
                ledger=ledger,
                values=values,
                idempotency_key=request.POST.get("idempotency_key", "")[:100],
                files=_uploads(request, definition),
            )
        except SubmissionInvalid as exc:
            errors = {p.element: p.message for p in exc.problems}
        except InputError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, str(MSG_CREATED))
            return redirect("ledgers:record", pk=record.pk)
    return render(
        request,
        "ledgers/record_form.html",
        {
            "ledger": ledger,
            "inputs": field_inputs(definition, values, errors, user=request.user),
            "errors": errors,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
        },
        status=400 if errors else 200,
    )


@requires(Action.REPORT_VIEW, load=record_get)
def record_detail(request: HttpRequest, record: LedgerRecord) -> HttpResponse:
    ledger = record.ledger
    assert ledger.current_version is not None
    definition = definition_of(ledger.current_version)
    keeper = may_enter(request.user, ledger, record.org_unit)
    values: dict[str, Any] = dict(record.data)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not keeper:
            raise PermissionDenied(_("You may not do this here."))
        revision = int(request.POST.get("revision") or 0) or None
        try:
            if request.POST.get("action") == "retire":
                record_retire(
                    user=request.user,
                    record=record,
                    reason=request.POST.get("reason", ""),
                    revision=revision,
                )
                messages.success(request, str(MSG_RETIRED))
            else:
                values = _posted(request, definition, record.data)
                record_update(
                    user=request.user,
                    record=record,
                    values=values,
                    revision=revision,
                    files=_uploads(request, definition),
                )
                messages.success(request, str(MSG_UPDATED))
            return redirect("ledgers:record", pk=record.pk)
        except SubmissionInvalid as exc:
            errors, status = {p.element: p.message for p in exc.problems}, 400
        except ConflictError as exc:
            messages.error(request, str(exc))
            status = 409
        except InputError as exc:
            messages.error(request, exc.message)
            status = 400
    shown = columns(definition)
    names = unit_names(definition, [record])
    cells = record_cells(definition, record, shown, private=keeper, names=names)
    return render(
        request,
        "ledgers/record.html",
        {
            "ledger": ledger,
            "record": record,
            "values": list(zip([f["label"] for f in shown], cells, strict=True)),
            "files": [
                (definition.by_code.get(f.field, {}).get("label", f.field), f)
                for f in record_files(record)
            ],
            "inputs": field_inputs(definition, values, errors, user=request.user, names=names)
            if keeper and record.status == RecordStatus.ACTIVE
            else [],
            "errors": errors,
            "history": record_history(record, definition),
        },
        status=status,
    )


@requires(Action.REPORT_VIEW, load=record_file_get)
def record_file(request: HttpRequest, target: RecordFileIn) -> FileResponse:
    try:
        handle = target.file.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=target.file.name)


@requires_in_request(Action.REPORT_ENTER, load=ledger_for_entry)
def ledger_import(request: HttpRequest, target: LedgerIn) -> HttpResponse:
    ledger = target.ledger
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file to import."))
        else:
            result = ledger_xlsx_import(
                user=request.user, ledger=ledger, data=upload.read(), filename=upload.name or ""
            )
            if result.ok:
                message = MSG_REPLAYED if result.replayed else MSG_IMPORTED
                messages.success(request, str(message % {"n": result.stored}))
                return redirect("ledgers:records", code=ledger.code)
    return render(
        request,
        "ledgers/import.html",
        {"ledger": ledger, "result": result},
        status=400 if result is not None and not result.ok else 200,
    )


@requires_in_request(Action.REPORT_ENTER, load=ledger_for_entry)
def ledger_template(request: HttpRequest, target: LedgerIn) -> HttpResponse:
    body = ledger_xlsx_template(ledger=target.ledger)
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="ledger-{target.ledger.code}-template.xlsx"'
    )
    return response


@public
def ledger_public(request: HttpRequest, code: str) -> HttpResponse:
    ledger = ledger_get(code)
    assert ledger.current_version is not None
    definition = definition_of(ledger.current_version)
    if not definition.public:
        raise Http404
    shown = columns(definition, public_only=True)
    page = Paginator(records_public(ledger), PER_PAGE).get_page(request.GET.get("page"))
    rows = record_rows(user=None, ledger=ledger, definition=definition, records=page, shown=shown)
    return render(
        request,
        "ledgers/public.html",
        {"ledger": ledger, "columns": shown, "rows": rows, "page": page},
    )
