from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from eduplan.org.access import Action, can, granted_actions, membership_of, scope_of
from eduplan.org.models import Role


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
            "safety": Action.SAFETY_VIEW in actions,
        },
        "my_scope": scope,
        "demo_banner": settings.EDUPLAN_DEMO,
    }
