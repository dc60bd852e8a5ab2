"""The petitions office (信访办公室): the department that registers and routes cases."""

from __future__ import annotations

from django.conf import settings

from eduplan.org.models import OrgUnit, UnitType


def petitions_office() -> OrgUnit | None:
    """The petitions office (EDUPLAN_PETITIONS_OFFICE_CODE), if the org tree has it."""
    return OrgUnit.objects.filter(
        code=settings.EDUPLAN_PETITIONS_OFFICE_CODE, type=UnitType.DEPARTMENT
    ).first()
