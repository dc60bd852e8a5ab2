from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from eduplan.org.access import Action, can, granted_actions, membership_of, scope_of
from eduplan.org.models import Membership, OrgUnit, Role, UnitType

# Whose value-added figures a school's own account reads: high schools' (valueadded app).
VALUEADDED_SCHOOL_TYPES = frozenset({UnitType.SENIOR, UnitType.COMPLETE})


def _valueadded_menu(member: Any, scope: Any, actions: frozenset[Action]) -> bool:
    """The value-added pages open to this user: leaders, the designated departments and a
    high school's own account (the pages check again, with the same rule)."""
    if Action.VALUEADDED_VIEW not in actions or member is None or scope is None:
        return False
    if member.role == Role.DEPARTMENT:
        department = member.department
        return department is not None and (
            department.code in settings.EDUPLAN_VALUEADDED_DEPARTMENTS
        )
    if member.role == Role.SCHOOL_REPORTER:
        return scope.type in VALUEADDED_SCHOOL_TYPES
    return True


def _preschool_menu(member: Membership | None, scope: OrgUnit | None, actions: Any) -> bool:
    """学前教育 for the preschool department, districts, kindergartens, leaders and the
    supervision office (not for every school or department)."""
    if member is None or scope is None:
        return False
    if member.role == Role.DEPARTMENT:
        department = member.department
        return department is not None and department.code == settings.EDUPLAN_PRESCHOOL_DEPARTMENT
    if member.role == Role.SCHOOL_REPORTER:
        return scope.type == UnitType.KINDERGARTEN
    return Action.UNIT_VIEW in actions


def membership(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's membership and the menu their role opens; and whether the
    site serves the demo city (every page then says its figures are simulated)."""
    actions = granted_actions(request.user)
    scope = scope_of(request.user)
    member = membership_of(request.user)
    return {
        "membership": member,
        "menu": {
            # The 工作台: everyone with a scope; a leader's is the cockpit.
            "workbench": scope is not None
            and Action.REPORT_VIEW in actions
            and getattr(member, "role", Role.LEADER) != Role.LEADER,
            "plan": Action.PLAN_VIEW in actions,
            "units": Action.UNIT_VIEW in actions,
            "reports": Action.REPORT_VIEW in actions,
            # The same check the import pages make: changing plans of one's own area.
            "plan_import": scope is not None and can(request.user, Action.PLAN_CHANGE, scope),
            "approvals": Action.REPORT_APPROVE in actions,
            "targets": Action.PLAN_VIEW in actions,
            "cockpit": Action.PLAN_VIEW in actions,
            "supervision": Action.REPORT_VIEW in actions,
            "board": Action.BOARD_VIEW in actions,
            "league_results": Action.LEAGUE_RESULTS in actions,
            "appraisal": Action.APPRAISAL_VIEW in actions,
            "valueadded": _valueadded_menu(member, scope, actions),
            "teachers": Action.UNIT_VIEW in actions,
            "petitions": Action.PETITION_VIEW in actions,
            "preschool": _preschool_menu(member, scope, actions),
            "safety": Action.SAFETY_VIEW in actions,
        },
        "my_scope": scope,
        "demo_banner": settings.EDUPLAN_DEMO,
    }
