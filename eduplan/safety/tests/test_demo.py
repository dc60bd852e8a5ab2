"""The demo city's campus safety is one consistent history: every closed hazard has its
evidence and a verifier other than the fixer, no D building is in use, the pages read
it, and the demo's scan raised the safety orders it finds."""

from __future__ import annotations

from django.db.models import F

from eduplan.safety.models import Building, Hazard, HazardStatus, Inspection, Rating, SchoolBus
from eduplan.supervision.models import Rule, SupervisionOrder


def test_the_demo_has_a_consistent_safety_history(demo, db, client):
    hazards = Hazard.objects.all()
    assert Inspection.objects.exists() and SchoolBus.objects.exists()
    assert hazards.filter(status=HazardStatus.CLOSED).exists()
    assert hazards.filter(status=HazardStatus.OPEN).exists()
    closed = hazards.filter(status=HazardStatus.CLOSED)
    assert not closed.filter(fix_evidence="").exists()
    assert not closed.filter(verified_by=F("fixed_by")).exists()
    assert Building.objects.filter(rating=Rating.D).exists()
    assert not Building.objects.filter(rating=Rating.D, in_use=True).exists()
    # The demo's scan found the overdue rectifications, one order per school.
    orders = SupervisionOrder.objects.filter(rule=Rule.HAZARD_OVERDUE)
    assert (
        orders.count()
        == hazards.filter(
            status__in=[HazardStatus.OPEN, HazardStatus.FIXED], deadline__lt="2017-01-10"
        )
        .values("school")
        .distinct()
        .count()
    )
    assert orders.exists()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="anquan"))
    page = client.get("/safety/city/")
    assert page.status_code == 200 and "金水区" in page.content.decode()
