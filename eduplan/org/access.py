"""Who may do what, where: the single place EduPlan decides access.

Every view declares the action it needs with `requires` (or `public` for pages
anyone may read); `AccessMiddleware` refuses any view that declares nothing.
Services and selectors call `can`/`require` with the same actions, so the rules
live here and nowhere else (never in templates).
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, Protocol, TypeAlias, TypeVar, cast

from django.contrib.auth import models as auth_models
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseForbidden
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from eduplan.org.models import Membership, OrgUnit, Role


class Action(enum.StrEnum):
    PLAN_VIEW = "plan.view"
    PLAN_CHANGE = "plan.change"
    UNIT_VIEW = "unit.view"
    UNIT_DATA_CHANGE = "unit.data_change"
    REPORT_VIEW = "report.view"
    REPORT_ENTER = "report.enter"
    REPORT_APPROVE = "report.approve"
    ORDER_DECIDE = "order.decide"  # review, close or send back a supervision order
    BOARD_VIEW = "board.view"  # the supervision board and the bulletin's whole picture
    LEAGUE_RESULTS = "league.results"  # record match results of a competition one organises
    APPRAISAL_VIEW = "appraisal.view"  # a unit's yearly assessment (考核): never public
    APPRAISAL_ADJUST = "appraisal.adjust"  # adjust a unit's assessment, with a reason
    TASK_REPORT = "task.report"  # mark a task's milestones done, with evidence (its lead unit)
    VALUEADDED_VIEW = "valueadded.view"  # a high school's value-added figures: never public
    VALUEADDED_IMPORT = "valueadded.import"  # import a cohort's pupil exam records
    TEACHER_PERSONAL = "teacher.personal"  # a teacher's ID number, phone, birth date
    TEACHER_CREDITS = "teacher.credits"  # import training completions, remind the schools
    PETITION_VIEW = "petition.view"  # petition cases (信访): never their petitioners
    PETITION_HANDLE = "petition.handle"  # register, route, decide, answer; risks, backlog
    PETITION_PERSONAL = "petition.personal"  # read petitioners' identity (each read logged)
    # 学前教育: a kindergarten applies (普惠认定, 达标升级), its district reviews on site, the
    # preschool department reviews, runs the public notice, publishes and re-evaluates.
    PRESCHOOL_APPLY = "preschool.apply"
    PRESCHOOL_DISTRICT_REVIEW = "preschool.district_review"
    PRESCHOOL_CITY_DECIDE = "preschool.city_decide"
    SAFETY_VIEW = "safety.view"  # a unit's inspections, buildings, buses and hazards
    HAZARD_FIX = "hazard.fix"  # report a hazard's fix with its evidence (the school's side)
    SAFETY_INSPECT = (
        "safety.inspect"  # record inspections and hazards, verify fixes (a round's organiser)
    )


class Reach(enum.Enum):
    """How an action's target must relate to the user's scope."""

    WITHIN = "within"  # the target lies inside the scope
    OVERLAP = "overlap"  # the target's area and the scope overlap (a city plan for a district)
    OWNED = "owned"  # within, and department staff only on what their department owns
    ENTRY = "entry"  # within; department staff only for their own department
    APPROVAL = "approval"  # within, and the target's approval chain names the user's role
    DESIGNATED = "designated"  # within; department staff only where the target names theirs


ACTION_REACH: dict[Action, Reach] = {
    Action.PLAN_VIEW: Reach.OVERLAP,
    Action.PLAN_CHANGE: Reach.OWNED,
    Action.UNIT_VIEW: Reach.WITHIN,
    Action.UNIT_DATA_CHANGE: Reach.WITHIN,
    Action.REPORT_VIEW: Reach.WITHIN,
    Action.REPORT_ENTER: Reach.ENTRY,
    Action.REPORT_APPROVE: Reach.APPROVAL,
    Action.ORDER_DECIDE: Reach.WITHIN,
    Action.BOARD_VIEW: Reach.WITHIN,
    # The target is the competition's organiser: a district its own league, the sports
    # department (not any department) the city's.
    Action.LEAGUE_RESULTS: Reach.ENTRY,
    # Leaders and the office read every unit's assessment; a district its own, department
    # staff their own department's.
    Action.APPRAISAL_VIEW: Reach.ENTRY,
    Action.APPRAISAL_ADJUST: Reach.WITHIN,
    # The target is the task's lead unit: department staff only for their department's
    # tasks, a district's administrators for their district's, the office everywhere.
    Action.TASK_REPORT: Reach.ENTRY,
    # Value-added figures: a school's own account its school, leaders everything, and of
    # the departments only those the setting designates (the quality department).
    Action.VALUEADDED_VIEW: Reach.DESIGNATED,
    Action.VALUEADDED_IMPORT: Reach.DESIGNATED,
    # The target is a school's roll (teachers.models.TeacherRoll), owned by the teachers'
    # department: the school's own reporters and that department's staff, no one else.
    Action.TEACHER_PERSONAL: Reach.OWNED,
    # The target is the teachers' department: its own staff keep the credits register.
    Action.TEACHER_CREDITS: Reach.ENTRY,
    # The target is the case (its responsible unit, else the unit concerned): department
    # staff only in the petitions office (信访办) or the department it is routed to.
    Action.PETITION_VIEW: Reach.OWNED,
    Action.PETITION_HANDLE: Reach.OWNED,
    # The target is a case's petitioners, owned by the petitions office alone: only its
    # staff read them (a plain unit owns nothing, so no unit grants this).
    Action.PETITION_PERSONAL: Reach.OWNED,
    # The target is the kindergarten (applying, the district's review) or the preschool
    # department (the city's steps): department staff only for their own department.
    Action.PRESCHOOL_APPLY: Reach.WITHIN,
    Action.PRESCHOOL_DISTRICT_REVIEW: Reach.WITHIN,
    Action.PRESCHOOL_CITY_DECIDE: Reach.ENTRY,
    Action.SAFETY_VIEW: Reach.WITHIN,
    Action.HAZARD_FIX: Reach.WITHIN,
    # The target is the inspection round's organiser: 安全稳定工作处 (not any department)
    # for the city's rounds, a district's administrators for their district's.
    Action.SAFETY_INSPECT: Reach.ENTRY,
}
READ = frozenset({Action.PLAN_VIEW, Action.UNIT_VIEW, Action.REPORT_VIEW})

ROLE_GRANTS: dict[str, frozenset[Action]] = {
    Role.LEADER: READ
    | {
        Action.BOARD_VIEW,
        Action.APPRAISAL_VIEW,
        Action.APPRAISAL_ADJUST,
        Action.VALUEADDED_VIEW,
        Action.PETITION_VIEW,
        Action.SAFETY_VIEW,
    },
    Role.SUPERVISION: READ
    | {
        Action.PLAN_CHANGE,
        Action.REPORT_APPROVE,
        Action.ORDER_DECIDE,
        Action.BOARD_VIEW,
        Action.APPRAISAL_VIEW,
        Action.APPRAISAL_ADJUST,
        Action.TASK_REPORT,
        Action.PETITION_VIEW,
        Action.SAFETY_VIEW,
    },
    Role.DEPARTMENT: READ
    | {
        Action.PLAN_CHANGE,
        Action.REPORT_ENTER,
        Action.REPORT_APPROVE,
        Action.LEAGUE_RESULTS,
        Action.APPRAISAL_VIEW,
        Action.TASK_REPORT,
        Action.VALUEADDED_VIEW,
        Action.VALUEADDED_IMPORT,
        Action.TEACHER_PERSONAL,
        Action.TEACHER_CREDITS,
        Action.PETITION_VIEW,
        Action.PETITION_HANDLE,
        Action.PETITION_PERSONAL,
        Action.PRESCHOOL_CITY_DECIDE,
        Action.SAFETY_VIEW,
        Action.SAFETY_INSPECT,
    },
    Role.DISTRICT_ADMIN: READ
    | {
        Action.UNIT_DATA_CHANGE,
        Action.REPORT_ENTER,
        Action.REPORT_APPROVE,
        Action.LEAGUE_RESULTS,
        Action.APPRAISAL_VIEW,
        Action.TASK_REPORT,
        Action.PETITION_VIEW,
        Action.PETITION_HANDLE,
        Action.PRESCHOOL_APPLY,
        Action.PRESCHOOL_DISTRICT_REVIEW,
        Action.SAFETY_VIEW,
        Action.HAZARD_FIX,
        Action.SAFETY_INSPECT,
    },
    Role.SCHOOL_REPORTER: READ
    | {
        Action.UNIT_DATA_CHANGE,
        Action.REPORT_ENTER,
        Action.VALUEADDED_VIEW,
        Action.TEACHER_PERSONAL,
        Action.PETITION_VIEW,
        Action.PRESCHOOL_APPLY,
        Action.SAFETY_VIEW,
        Action.HAZARD_FIX,
    },
}


# Who is asking: a signed-in user or an anonymous visitor, as `request.user` is typed.
# Access checks take a User (an anonymous visitor may do nothing).
User: TypeAlias = auth_models.User | AnonymousUser
# A signed-in user: who is recorded as having done something (an actor, a decider) and
# whose own rows are read (inbox messages, API tokens, idempotency keys).
SignedInUser: TypeAlias = auth_models.User


class Scoped(Protocol):
    """A target that belongs to an area of the org tree (None: to no area, so no role
    may act on it; e.g. a competition whose organiser was never set)."""

    @property
    def scope_unit(self) -> OrgUnit | None: ...


class Owned(Scoped, Protocol):
    def owner_department_ids(self) -> set[int]: ...


class Approvable(Scoped, Protocol):
    def may_be_approved_by(self, membership: Membership) -> bool: ...


class Designated(Scoped, Protocol):
    def designated_department_codes(self) -> frozenset[str]: ...


def membership_of(user: User) -> Membership | None:
    """The user's membership, or None for anonymous users and users without one."""
    if not user.is_authenticated:
        return None
    # Read once per request with its department (the menus ask a department's staff which
    # department they are in) and its scope (every check asks it), and kept where
    # `user.membership` looks (None when missing).
    related = Membership._meta.get_field("user").remote_field
    if not related.is_cached(user):
        found = Membership.objects.select_related("department", "scope").filter(user=user).first()
        related.set_cached_value(user, found)
    return cast("Membership | None", related.get_cached_value(user))


def scope_of(user: User) -> OrgUnit | None:
    """The unit whose subtree the user works in: None for anonymous users, users without
    a membership and memberships without a scope (who may then do nothing)."""
    membership = membership_of(user)
    return membership.scope if membership is not None else None


def _unit_of(target: OrgUnit | Scoped) -> OrgUnit | None:
    return target if isinstance(target, OrgUnit) else target.scope_unit


def can(user: User, action: Action, target: OrgUnit | Scoped) -> bool:
    """Whether the user may do `action` on `target`, by role and scope."""
    membership, scope = membership_of(user), scope_of(user)
    if membership is None or scope is None:
        return False
    if action not in ROLE_GRANTS.get(membership.role, frozenset()):
        return False
    unit = _unit_of(target)
    if unit is None:
        return False
    reach = ACTION_REACH[action]
    if reach is Reach.OVERLAP:
        return scope.contains(unit) or unit.contains(scope)
    if not scope.contains(unit):
        return False
    if reach is Reach.OWNED and membership.role == Role.DEPARTMENT:
        owners = getattr(target, "owner_department_ids", None)
        return owners is not None and membership.department_id in owners()
    if reach is Reach.ENTRY and membership.role == Role.DEPARTMENT:
        return membership.department_id == unit.pk
    if reach is Reach.DESIGNATED and membership.role == Role.DEPARTMENT:
        designated = getattr(target, "designated_department_codes", None)
        department = membership.department
        return designated is not None and department is not None and department.code in designated()
    if reach is Reach.APPROVAL:
        approvable = getattr(target, "may_be_approved_by", None)
        return approvable is not None and bool(approvable(membership))
    return True


def access_key(user: User) -> str:
    """Everything `can` reads of the user, as text: two users with the same key may do the
    same things to the same rows, so a page part that shows what its reader may see is
    kept once per key (role; scope, its type and place in the tree; department)."""
    membership, scope = membership_of(user), scope_of(user)
    if membership is None or scope is None:
        return "-"
    department = membership.department
    return (
        f"{membership.role}:{scope.pk}:{scope.type}:{scope.path}:"
        f"{membership.department_id or ''}:{department.code if department else ''}"
    )


def require(user: User, action: Action, target: OrgUnit | Scoped) -> None:
    """Raise PermissionDenied unless `can(user, action, target)`."""
    if not can(user, action, target):
        raise PermissionDenied(_("You may not do this here."))


def signed_in(user: User) -> SignedInUser:
    """The user as signed in, to record what they did or read their own rows; refusal for
    an anonymous visitor (whom `require` has refused already wherever a check came first)."""
    if not user.is_authenticated:
        raise PermissionDenied(_("You may not do this here."))
    return user


def actor_of(user: User | None) -> SignedInUser | None:
    """Who to stamp on a row: the signed-in user, or None for work done by the system (the
    demo's seeding, a command) and for an anonymous visitor."""
    return user if user is not None and user.is_authenticated else None


def granted_actions(user: User) -> frozenset[Action]:
    """The actions the user's role grants anywhere (for building menus, not for checks)."""
    membership = membership_of(user)
    if membership is None or scope_of(user) is None:
        return frozenset()
    return ROLE_GRANTS.get(membership.role, frozenset())


@dataclass(frozen=True)
class AccessRule:
    action: Action | None  # None: public page, no login needed


# The attribute AccessMiddleware reads a view's rule from.
ACCESS_RULE = "access_rule"
URL = ParamSpec("URL")  # a view's URL arguments, which its loader takes
T = TypeVar("T", bound="OrgUnit | Scoped")


class AccessView(Protocol[URL]):
    """A view that declares its access rule; called with the request and its URL arguments."""

    access_rule: AccessRule

    def __call__(
        self, request: HttpRequest, /, *args: URL.args, **kwargs: URL.kwargs
    ) -> HttpResponseBase: ...


def access_rule_declare(
    view: Callable[Concatenate[HttpRequest, URL], HttpResponseBase], rule: AccessRule
) -> AccessView[URL]:
    """Mark `view` (a wrapper of ours) with its rule, for AccessMiddleware to find."""
    setattr(view, ACCESS_RULE, rule)
    # A function object cannot be typed with an attribute; it has one now.
    return cast("AccessView[URL]", view)


def requires_in_request(
    action: Action, *, load: Callable[Concatenate[HttpRequest, URL], T]
) -> Callable[[Callable[[HttpRequest, T], HttpResponseBase]], AccessView[URL]]:
    """Declare that a view needs `action` on the object `load(request, **url_kwargs)`
    returns (for targets that depend on the request: the user's scope, `?org=`).

    The view is called as `view(request, obj)` once the check has passed; the view it
    becomes takes the URL arguments `load` takes.
    """

    def decorate(view: Callable[[HttpRequest, T], HttpResponseBase]) -> AccessView[URL]:
        @functools.wraps(view)
        def wrapper(
            request: HttpRequest, /, *args: URL.args, **kwargs: URL.kwargs
        ) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            target = load(request, *args, **kwargs)
            require(request.user, action, target)
            return view(request, target)

        return access_rule_declare(wrapper, AccessRule(action))

    return decorate


def requires(
    action: Action, *, load: Callable[URL, T]
) -> Callable[[Callable[[HttpRequest, T], HttpResponseBase]], AccessView[URL]]:
    """Declare that a view needs `action` on the object `load(**url_kwargs)` returns.

    The view is called as `view(request, obj)` once the check has passed.
    """

    def load_in_request(_request: HttpRequest, /, *args: URL.args, **kwargs: URL.kwargs) -> T:
        return load(*args, **kwargs)

    return requires_in_request(action, load=load_in_request)


def my_scope(request: HttpRequest, /, **_kwargs: Any) -> OrgUnit:
    """Loader for pages about the signed-in user's own area: their scope, or refusal."""
    scope = scope_of(request.user)
    if scope is None:
        raise PermissionDenied(_("You may not do this here."))
    return scope


def my_entry_unit(request: HttpRequest, /, **_kwargs: Any) -> OrgUnit:
    """Loader for pages listing what the user enters (Reach.ENTRY): department staff enter
    for their department, everyone else for their scope; refusal without either."""
    membership, scope = membership_of(request.user), scope_of(request.user)
    if membership is None or scope is None:
        raise PermissionDenied(_("You may not do this here."))
    if membership.role == Role.DEPARTMENT:
        if membership.department is None:
            raise PermissionDenied(_("You may not do this here."))
        return membership.department
    return scope


def public(view: Callable[Concatenate[HttpRequest, URL], HttpResponseBase]) -> AccessView[URL]:
    """Declare a page anyone may read without logging in (wraps, never mutates, the view)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, /, *args: URL.args, **kwargs: URL.kwargs) -> HttpResponseBase:
        return view(request, *args, **kwargs)

    return access_rule_declare(wrapper, AccessRule(None))


# Django's admin wraps every view of its site in `admin_view`, which checks is_staff
# (and each model admin checks model permissions): it is for the bureau's system staff.
SELF_GUARDED_NAMESPACES = frozenset({"admin"})


def declared_rule(view_func: Callable[..., Any]) -> AccessRule | None:
    rule = getattr(view_func, ACCESS_RULE, None)
    if rule is None and hasattr(view_func, "view_class"):
        rule = getattr(view_func.view_class, ACCESS_RULE, None)
    return rule


def is_self_guarded(namespace: str | None) -> bool:
    return namespace is not None and namespace.split(":")[0] in SELF_GUARDED_NAMESPACES


class AccessMiddleware:
    """Deny by default: a view that declares no access rule is refused."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Iterable[Any],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if declared_rule(view_func) is not None or is_self_guarded(
            match.namespace if match else None
        ):
            return None
        body = render_to_string(
            "403.html", {"reason": _("This page declares no access rule.")}, request=request
        )
        return HttpResponseForbidden(body)
