"""Importing a plan text through the web: upload → review (edit, delete and add targets,
rename projects, set code and name) → import as a new draft plan.

The parsed plan under review lives server-side, in the user's session under a random
token, so nothing the browser sends back is trusted beyond the one field it edits, and
every edited field is validated. Only users who may change plans of their own scope
(Action.PLAN_CHANGE on their scope unit) see these pages; `plan_import` checks again.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.core.archives import archive_check
from eduplan.core.errors import InputError
from eduplan.core.numbers import chinese_number, plain_number
from eduplan.org.access import Action, my_scope, requires_in_request
from eduplan.org.models import OrgUnit
from eduplan.planimport.importing import (
    CODE_MAX,
    ERR_MAX_BELOW_VALUE,
    ERR_MAX_ONLY_FOR_RANGE,
    ERR_RANGE_NEEDS_MAX,
    NAME_MAX,
    TITLE_MAX,
    UNIT_MAX,
    YEAR_MAX,
    YEAR_MIN,
    nothing_to_import,
    parsed_from_state,
    plan_code_free,
    plan_code_from_filename,
    plan_code_problem,
    plan_import,
    plan_years,
    review_state,
)
from eduplan.planimport.parsing import MAX_BYTES, PlanReadError, parse_plan, read_plan_bytes
from eduplan.planimport.parsing.deliverables import deliverables_find
from eduplan.planimport.review_baselines import baseline_take, baseline_target
from eduplan.plans.models import (
    Change,
    Comparator,
    Horizon,
    MilestoneKind,
    Target,
    project_ordinal,
)

SESSION_KEY = "plan_imports"
REVIEW_MAX_AGE = 4 * 60 * 60  # seconds a parsed plan waits for its review
REVIEWS_KEPT = 3  # reviews kept per session; an older one is dropped

ERR_FILE_TOO_LARGE = gettext_lazy(
    "The file %(name)s is %(size)s; a plan file may be at most %(max)s."
)
ERR_REVIEW_GONE = gettext_lazy(
    "This review has expired or does not exist; please upload the file again."
)
ERR_NO_SUCH_TARGET = gettext_lazy("This target is no longer in the review.")
ERR_NO_SUCH_PROJECT = gettext_lazy("This project is not in the review.")
ERR_UNKNOWN_ACTION = gettext_lazy("Unknown action.")
MSG_TARGET_SAVED = gettext_lazy("The target was changed.")
MSG_TARGET_DELETED = gettext_lazy("The target was deleted.")
MSG_TARGET_ADDED = gettext_lazy("The target was added.")
MSG_PROJECT_RENAMED = gettext_lazy("The project was renamed.")
MSG_IMPORTED = gettext_lazy("The plan %(code)s was imported as a draft.")
MSG_BASELINE_SET = gettext_lazy("%(figure)s is now the baseline of “%(indicator)s”.")
MSG_BASELINE_AGAIN = gettext_lazy("%(figure)s is already the baseline of “%(indicator)s”.")
MSG_BASELINE_NO_TARGET = gettext_lazy(
    "%(figure)s is kept as an achievement: no target with its unit follows it."
)


def _reviews(request: HttpRequest) -> dict[str, dict[str, Any]]:
    """This session's reviews, the expired ones dropped."""
    reviews: dict[str, dict[str, Any]] = request.session.get(SESSION_KEY, {})
    now = time.time()
    fresh = {k: v for k, v in reviews.items() if now - v.get("created", 0) <= REVIEW_MAX_AGE}
    if len(fresh) != len(reviews):
        request.session[SESSION_KEY] = fresh
    return fresh


def _review_store(request: HttpRequest, state: dict[str, Any]) -> str:
    reviews = _reviews(request)
    token = secrets.token_urlsafe(18)
    reviews[token] = {**state, "created": time.time()}
    for old in sorted(reviews, key=lambda k: reviews[k]["created"])[:-REVIEWS_KEPT]:
        del reviews[old]
    request.session[SESSION_KEY] = reviews
    return token


def _review_save(request: HttpRequest) -> None:
    request.session.modified = True  # the state is a nested dict changed in place


def _review_drop(request: HttpRequest, token: str) -> None:
    reviews = _reviews(request)
    reviews.pop(token, None)
    request.session[SESSION_KEY] = reviews


# Forms --------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Plan file (text or .docx)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name or "plan.txt"
        size = upload.size or 0
        if size > MAX_BYTES:  # refused before it is read
            raise ValidationError(
                str(ERR_FILE_TOO_LARGE)
                % {"name": name, "size": filesizeformat(size), "max": filesizeformat(MAX_BYTES)}
            )
        data = upload.read()
        if data.startswith(b"PK"):
            try:  # a .docx bomb is refused before python-docx unpacks it
                archive_check(data, where=name)
            except InputError as exc:
                raise ValidationError(str(exc)) from None
            except zipfile.BadZipFile:
                pass  # read_plan_bytes names the broken file
        try:
            self.text = read_plan_bytes(data, name)
            self.parsed = parse_plan(self.text, filename=name)
        except PlanReadError as exc:
            raise ValidationError(str(exc)) from None
        if self.parsed.empty:
            raise ValidationError(nothing_to_import(name))
        self.digest = hashlib.sha256(data).hexdigest()
        return upload


class TargetForm(forms.Form):
    widget_size = "sm"  # the review page's rows of small inputs (core.forms)
    indicator = forms.CharField(label=gettext_lazy("indicator"), max_length=TITLE_MAX)
    # 15 digits pass through the parser's float unchanged; 4 decimals as Target stores.
    value = forms.DecimalField(label=gettext_lazy("value"), max_digits=15, decimal_places=4)
    value_max = forms.DecimalField(
        label=gettext_lazy("upper value"), max_digits=15, decimal_places=4, required=False
    )
    unit = forms.CharField(label=gettext_lazy("unit"), max_length=UNIT_MAX)
    comparator = forms.ChoiceField(label=gettext_lazy("comparator"), choices=Comparator.choices)
    change = forms.ChoiceField(
        label=gettext_lazy("change"), choices=[("", "—"), *Change.choices], required=False
    )
    baseline_year = forms.IntegerField(
        label=gettext_lazy("baseline year"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    year = forms.IntegerField(
        label=gettext_lazy("due year"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    baseline = forms.DecimalField(
        label=gettext_lazy("baseline"), max_digits=15, decimal_places=4, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        comparator = data.get("comparator")
        value, value_max = data.get("value"), data.get("value_max")
        if "value_max" in data and comparator:
            if comparator == Comparator.BETWEEN and value_max is None:
                self.add_error("value_max", str(ERR_RANGE_NEEDS_MAX))
            elif comparator != Comparator.BETWEEN and value_max is not None:
                self.add_error("value_max", str(ERR_MAX_ONLY_FOR_RANGE))
            elif value is not None and value_max is not None and value_max < value:
                self.add_error("value_max", str(ERR_MAX_BELOW_VALUE))
        return data

    def row_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "indicator": data["indicator"],
            "value": None if data["value"] is None else plain_number(data["value"]),
            "value_max": None if data["value_max"] is None else plain_number(data["value_max"]),
            "unit": data["unit"],
            "comparator": data["comparator"],
            "change": data["change"] or "",
            "baseline_year": data["baseline_year"],
            "year": data["year"],
            "baseline": None if data["baseline"] is None else plain_number(data["baseline"]),
        }


class AddTargetForm(TargetForm):
    place = forms.ChoiceField(label=gettext_lazy("Belongs to"))
    source = forms.CharField(
        label=gettext_lazy("source clause"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["place", "indicator"]

    def __init__(self, *args: Any, places: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place = self.fields["place"]
        assert isinstance(place, forms.ChoiceField)
        place.choices = places


class ProjectForm(forms.Form):
    widget_size = "sm"  # the review page's rows of small inputs (core.forms)
    name = forms.CharField(label=gettext_lazy("Project name"), max_length=TITLE_MAX)


class ImportForm(forms.Form):
    widget_size = "sm"  # the review page's rows of small inputs (core.forms)
    code = forms.CharField(
        label=gettext_lazy("Plan code"),
        max_length=CODE_MAX,
        help_text=gettext_lazy("Letters, digits and hyphens; it becomes part of the address"),
    )
    name = forms.CharField(label=gettext_lazy("Plan name"), max_length=NAME_MAX)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        problem = plan_code_problem(code)
        if problem is not None:
            raise ValidationError(problem)
        return code


def _target_initial(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in TargetForm.base_fields}


# Access -------------------------------------------------------------------------------


@dataclass
class Review:
    """A review in the user's session (None when the token is unknown or expired),
    decided on the user's scope unit: the area whose plans they may change."""

    token: str
    state: dict[str, Any] | None
    unit: OrgUnit

    @property
    def scope_unit(self) -> OrgUnit:
        return self.unit


def _review(request: HttpRequest, token: str) -> Review:
    # The token is looked up without refusing: access is decided first (on the scope),
    # so a user who may not import gets 403 whatever token they try.
    return Review(token, _reviews(request).get(token), my_scope(request))


# Pages --------------------------------------------------------------------------------


@requires_in_request(Action.PLAN_CHANGE, load=my_scope)
def import_upload(request: HttpRequest, area: OrgUnit) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["file"].name or "plan.txt"
        state = review_state(
            parsed=form.parsed,
            text=form.text,
            filename=name,
            digest=form.digest,
            code=plan_code_free(base=plan_code_from_filename(name)),
        )
        token = _review_store(request, state)
        return redirect("planimport:review", token=token)
    pending = sorted(
        ((token, state["filename"]) for token, state in _reviews(request).items()),
        key=lambda item: item[1],
    )
    return render(
        request,
        "planimport/upload.html",
        {"form": form, "area": area, "max_bytes": MAX_BYTES, "pending": pending},
    )


@dataclass
class TargetRow:
    """One target as the review page shows it: its sentence, its figure, its form."""

    row: dict[str, Any]
    figure: str
    form: TargetForm


def _figure(row: dict[str, Any]) -> str:
    return Target(
        value=Decimal(row["value"]),
        value_max=None if row["value_max"] is None else Decimal(row["value_max"]),
        unit=row["unit"],
        comparator=row["comparator"],
        change=row["change"],
        baseline_year=row["baseline_year"],
    ).figure


HORIZONS = dict(Horizon.choices)


def _places(state: dict[str, Any]) -> list[tuple[str, str]]:
    places = [("plan", _("The plan itself (no project or work point)"))]
    for p, project in enumerate(state["projects"]):
        for g, goal in enumerate(project["goals"]):
            horizon = HORIZONS.get(goal["horizon"], "")
            label = f"{project_ordinal(project['number'])} {project['name']} · {horizon}"
            places.append((f"g:{p}:{g}", f"{label} {goal['year'] or ''}".strip()))
    for w, point in enumerate(state["work_points"]):
        places.append((f"w:{w}", f"{_('Work point')} {point['number']}：{point['text'][:30]}"))
    return places


def _proposals(state: dict[str, Any], *, year: int) -> list[dict[str, Any]]:
    """The deliverables of the measures and work points read, which importing proposes
    as unconfirmed tasks with their milestones."""
    return [
        {"place": f"{project['name']} · {_('Measure')} {m}", "found": d}
        for project in state["projects"]
        for m, text in enumerate(project["measures"], start=1)
        for d in deliverables_find(text, year=year)
    ] + [
        {"place": f"{_('Work point')} {w}", "found": d}
        for w, point in enumerate(state["work_points"], start=1)
        for d in deliverables_find(point["text"], year=year)
    ]


def _review_sections(
    state: dict[str, Any], by_place: dict[str, list[TargetRow]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The plan's sections with their work points (and those of no section), as shown."""
    sections: list[dict[str, Any]] = [
        {
            "number": s["number"],
            "label": f"{chinese_number(s['number'])}、{s['title']}",
            "work_points": [],
        }
        for s in state["sections"]
    ]
    by_number = {s["number"]: s for s in reversed(sections)}
    unsectioned: list[dict[str, Any]] = []
    for w, point in enumerate(state["work_points"]):
        entry = {**point, "targets": by_place[f"w:{w}"]}
        section = by_number.get(point["section"])
        (section["work_points"] if section else unsectioned).append(entry)
    return sections, unsectioned


def _render_review(
    request: HttpRequest,
    review: Review,
    *,
    bound: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    state = review.state
    assert state is not None
    by_place: dict[str, list[TargetRow]] = defaultdict(list)
    for row in state["targets"]:
        prefix = f"t{row['id']}"
        form = (
            bound
            if isinstance(bound, TargetForm)
            and not isinstance(bound, AddTargetForm)
            and bound.prefix == prefix
            else TargetForm(prefix=prefix, initial=_target_initial(row))
        )
        by_place[row["place"]].append(TargetRow(row, _figure(row), form))
    projects = []
    for p, project in enumerate(state["projects"]):
        prefix = f"p{p}"
        rename = (
            bound
            if isinstance(bound, ProjectForm) and bound.prefix == prefix
            else ProjectForm(prefix=prefix, initial={"name": project["name"]})
        )
        goals = [
            {**goal, "label": HORIZONS.get(goal["horizon"], ""), "targets": by_place[f"g:{p}:{g}"]}
            for g, goal in enumerate(project["goals"])
        ]
        projects.append({"index": p, **project, "goals": goals, "form": rename})
    sections, unsectioned = _review_sections(state, by_place)
    add_form = (
        bound
        if isinstance(bound, AddTargetForm)
        else AddTargetForm(prefix="add", places=_places(state), initial={"place": "plan"})
    )
    import_form = (
        bound
        if isinstance(bound, ImportForm)
        else ImportForm(prefix="plan", initial={"code": state["code"], "name": state["name"]})
    )
    start_year, end_year = plan_years(parsed_from_state(state))
    proposals = _proposals(state, year=state["years"][0] or start_year)
    return render(
        request,
        "planimport/review.html",
        {
            "review": review,
            "state": state,
            "area": review.unit,
            "projects": projects,
            "sections": sections,
            "unsectioned": unsectioned,
            "loose": by_place["plan"],
            "achievements": [
                {"row": row, "target": baseline_target(state, row)}
                for row in state.get("achievements", [])
            ],
            "target_count": len(state["targets"]),
            "add_form": add_form,
            "import_form": import_form,
            "start_year": start_year,
            "end_year": end_year,
            "proposals": proposals,
            "kinds": dict(MilestoneKind.choices),
        },
        status=status,
    )


def _find_target(state: dict[str, Any], raw: str | None) -> dict[str, Any] | None:
    try:
        wanted = int(raw or "")
    except ValueError:
        return None
    return next((row for row in state["targets"] if row["id"] == wanted), None)


def _back(review: Review, anchor: str = "") -> HttpResponse:
    url = reverse("planimport:review", kwargs={"token": review.token})
    return redirect(f"{url}#{anchor}" if anchor else url)


@requires_in_request(Action.PLAN_CHANGE, load=_review)
def import_review(request: HttpRequest, review: Review) -> HttpResponse:
    state = review.state
    if state is None:
        messages.error(request, str(ERR_REVIEW_GONE))
        return redirect("planimport:upload")
    if request.method != "POST":
        return _render_review(request, review)
    action = request.POST.get("action", "")
    if action in {"save_target", "delete_target"}:
        row = _find_target(state, request.POST.get("target"))
        if row is None:
            messages.error(request, str(ERR_NO_SUCH_TARGET))
            return _back(review)
        if action == "delete_target":
            state["targets"].remove(row)
            _review_save(request)
            messages.success(request, str(MSG_TARGET_DELETED))
            return _back(review)
        form = TargetForm(request.POST, prefix=f"t{row['id']}")
        if not form.is_valid():
            return _render_review(request, review, bound=form, status=400)
        row.update(form.row_fields(), edited=True)
        _review_save(request)
        messages.success(request, str(MSG_TARGET_SAVED))
        return _back(review, f"target-{row['id']}")
    if action == "add_target":
        add = AddTargetForm(request.POST, prefix="add", places=_places(state))
        if not add.is_valid():
            return _render_review(request, review, bound=add, status=400)
        row_id = state["next_id"]
        state["next_id"] += 1
        state["targets"].append(
            {
                "id": row_id,
                "place": add.cleaned_data["place"],
                **add.row_fields(),
                "source": add.cleaned_data["source"],
                "section": "",
                "start": -1,
                "end": -1,
                "before": "",
                "marked": "",
                "after": "",
                "edited": False,
                "added": True,
            }
        )
        _review_save(request)
        messages.success(request, str(MSG_TARGET_ADDED))
        return _back(review, f"target-{row_id}")
    if action == "make_baseline":
        return _make_baseline(request, review, state)
    if action == "rename_project":
        try:
            index = int(request.POST.get("project", ""))
            project = state["projects"][index] if index >= 0 else None
        except (ValueError, IndexError):
            project = None
        if project is None:
            messages.error(request, str(ERR_NO_SUCH_PROJECT))
            return _back(review)
        rename = ProjectForm(request.POST, prefix=f"p{index}")
        if not rename.is_valid():
            return _render_review(request, review, bound=rename, status=400)
        project["name"] = rename.cleaned_data["name"]
        _review_save(request)
        messages.success(request, str(MSG_PROJECT_RENAMED))
        return _back(review, f"project-{index}")
    if action == "import":
        return _import(request, review, state)
    messages.error(request, str(ERR_UNKNOWN_ACTION))
    return _back(review)


def _make_baseline(request: HttpRequest, review: Review, state: dict[str, Any]) -> HttpResponse:
    """One click: an achievement (or a target that is one) becomes the baseline of the
    target after it; a retried POST finds it done and changes nothing."""
    try:
        row_id = int(request.POST.get("target", ""))
    except ValueError:
        row_id = -1
    outcome = baseline_take(state, row_id)
    if outcome.kind == "missing" or outcome.row is None:
        messages.error(request, str(ERR_NO_SUCH_TARGET))
        return _back(review)
    _review_save(request)
    figure = f"{outcome.row['value']} {outcome.row['unit']}"
    if outcome.target is None:
        messages.info(request, str(MSG_BASELINE_NO_TARGET) % {"figure": figure})
        return _back(review, "achievements")
    message = MSG_BASELINE_AGAIN if outcome.kind == "again" else MSG_BASELINE_SET
    messages.success(
        request, str(message) % {"figure": figure, "indicator": outcome.target["indicator"]}
    )
    return _back(review, f"target-{outcome.target['id']}")


def _import(request: HttpRequest, review: Review, state: dict[str, Any]) -> HttpResponse:
    form = ImportForm(request.POST, prefix="plan")
    if not form.is_valid():
        return _render_review(request, review, bound=form, status=400)
    state["code"], state["name"] = form.cleaned_data["code"], form.cleaned_data["name"]
    _review_save(request)
    try:
        plan = plan_import(
            parsed=parsed_from_state(state),
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            organisation=review.unit,
            user=request.user,
            source_digest=state["digest"],
        )
    except InputError as exc:
        field = exc.where if exc.where in form.fields else None
        form.add_error(field, exc.message if field else str(exc))
        return _render_review(request, review, bound=form, status=400)
    _review_drop(request, review.token)
    messages.success(request, str(MSG_IMPORTED) % {"code": plan.code})
    return redirect("plan_overview", code=plan.code)
