"""The supervision office never answers an order (it supervises them): orders assigned
to it go to the unit that does the work (a work point's target: the unit leading the work
point's first task, else the lead department of the first project it serves; anything
else: the bureau above the office), each with a reassignment in its history, and the
office stops co-handling. An order raised by a rules run as of an earlier day shows that
day in its history (立项交办 on its 交办日期), not the day the run was made."""

import datetime
import zoneinfo

from django.conf import settings
from django.db import migrations

NOTE = "督查室负责督办，不承办督办单：改派至{unit}"


def _owner(apps, order, office):
    Target = apps.get_model("plans", "Target")
    Task = apps.get_model("plans", "Task")
    ProjectOwner = apps.get_model("plans", "ProjectOwner")
    WorkPoint = apps.get_model("plans", "WorkPoint")
    fallback = office.parent if office.parent_id else None
    if not order.subject.startswith("target:"):
        return fallback
    try:
        target = Target.objects.get(pk=int(order.subject.split(":")[1]))
    except (Target.DoesNotExist, ValueError):
        return fallback
    if target.work_point_id is None:
        return fallback
    task = (
        Task.objects.filter(work_point_id=target.work_point_id)
        .exclude(lead_unit_id=office.pk)
        .order_by("number", "pk")
        .first()
    )
    if task is not None:
        return task.lead_unit
    for row in WorkPoint.projects.through.objects.filter(
        workpoint_id=target.work_point_id
    ).order_by("project__number"):
        lead = (
            ProjectOwner.objects.filter(project_id=row.project_id, role="lead")
            .exclude(department_id=office.pk)
            .first()
        )
        if lead is not None:
            return lead.department
    return fallback


def forwards(apps, schema_editor):
    OrgUnit = apps.get_model("org", "OrgUnit")
    SupervisionOrder = apps.get_model("supervision", "SupervisionOrder")
    OrderEvent = apps.get_model("supervision", "OrderEvent")
    CoHandler = apps.get_model("supervision", "CoHandler")
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    office = OrgUnit.objects.filter(
        code=settings.EDUPLAN_SUPERVISION_OFFICE_CODE, type="department"
    ).first()
    if office is not None:
        for order in SupervisionOrder.objects.filter(responsible_unit_id=office.pk):
            unit = _owner(apps, order, office)
            if unit is None:
                continue
            order.responsible_unit_id = unit.pk
            order.save(update_fields=["responsible_unit"])
            CoHandler.objects.filter(order_id=order.pk, unit_id=unit.pk).delete()
            OrderEvent.objects.create(
                order_id=order.pk,
                action="reassign",
                status=order.status,
                due_on=order.due_on,
                note=NOTE.format(unit=unit.name),
            )
        CoHandler.objects.filter(unit_id=office.pk).delete()
    for event in OrderEvent.objects.filter(action="assign").select_related("order"):
        order = event.order
        if order.rule == "manual" or event.at.astimezone(tz).date() == order.assigned_on:
            continue
        moment = datetime.datetime.combine(order.assigned_on, datetime.time(), tzinfo=tz)
        OrderEvent.objects.filter(pk=event.pk).update(at=moment)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_unit_groups"),
        ("plans", "0006_task_serves_a_measure_and_a_work_point"),
        ("supervision", "0004_rules_report_missing_twice_task_behind_twice"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
