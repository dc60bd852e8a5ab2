"""The bimonthly bulletin (督查通报): progress of every project, targets off track, overdue
reports by district, supervision orders answered and not — as data, a page and a .docx
laid out like an official document."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from docx.enum.text import WD_ALIGN_PARAGRAPH

from eduplan.core.docx import centred, document_bytes, document_new, table_add
from eduplan.core.numbers import plain_number
from eduplan.indicators.projects import ProjectStatus, project_statuses_from
from eduplan.indicators.status import STATUS_LABELS, Status, TargetStatus, target_status_list
from eduplan.org.models import UnitType
from eduplan.plans.models import Plan
from eduplan.plans.selectors import plan_default
from eduplan.reporting.periods import Period
from eduplan.reporting.selectors import completeness_due_in
from eduplan.supervision.models import ANSWERED, Rule, SupervisionOrder


@dataclass
class DistrictLine:
    name: str
    expected: int = 0
    missing: int = 0
    late: int = 0


@dataclass
class Bulletin:
    plan: Plan
    period: Period
    number: str  # 文号
    issued_on: datetime.date
    projects: list[ProjectStatus]
    off_track: list[TargetStatus]
    districts: list[DistrictLine]
    orders: dict[str, int] = field(default_factory=dict)
    orders_by_rule: list[tuple[str, int, int]] = field(default_factory=list)
    # Measured targets whose figure is a provisional measure (临时口径): their statuses
    # count in the projects', so the bulletin says which they are and why.
    provisional: list[TargetStatus] = field(default_factory=list)


def bulletin_build(
    *, plan: Plan, period: Period, issued_on: datetime.date | None = None
) -> Bulletin:
    """Gather the bulletin's figures for a plan as of the end of a bimonthly period."""
    statuses = target_status_list(plan=plan, at=period, unit=plan.organisation)
    projects = project_statuses_from(plan, statuses)
    # Each commitment once: a work point that restates a project's target is not listed again.
    off_track = [s for s in statuses if s.status in BEHIND and s.target.restates_id is None]
    districts: dict[str, DistrictLine] = {}
    for row in completeness_due_in(period=period, unit=plan.organisation):
        unit, rates = row["unit"], row["completeness"]
        if unit.type == UnitType.DISTRICT:
            districts[unit.code] = DistrictLine(
                unit.name, expected=rates.expected, missing=rates.missing, late=rates.late
            )
    window = Q(assigned_on__gte=period.start, assigned_on__lte=period.end)
    orders = SupervisionOrder.objects.filter(window)
    answered = Q(status__in=ANSWERED)
    totals = orders.aggregate(total=Count("pk"), answered=Count("pk", filter=answered))
    by_rule = [
        (str(Rule(row["rule"]).label), row["n"], row["done"])
        for row in orders.values("rule")
        .annotate(n=Count("pk"), done=Count("pk", filter=answered))
        .order_by("rule")
    ]
    issued = issued_on or period.end + datetime.timedelta(days=10)
    return Bulletin(
        plan=plan,
        period=period,
        number=f"郑教督〔{period.year}〕{period.index}号",
        issued_on=issued,
        projects=projects,
        off_track=off_track,
        districts=sorted(districts.values(), key=lambda d: (-d.missing, -d.late, d.name)),
        orders={
            "total": totals["total"],
            "answered": totals["answered"],
            "open": totals["total"] - totals["answered"],
        },
        orders_by_rule=by_rule,
        provisional=[
            s
            for s in statuses
            if s.kind == "measured" and s.provisional and s.target.restates_id is None
        ],
    )


def _place(s: TargetStatus) -> str:
    if s.target.goal:
        return f"第{s.target.goal.project.number}项工程"
    return f"工作要点{s.target.work_point.number if s.target.work_point else ''}"


def _num(value: Decimal | None) -> str:
    return "—" if value is None else plain_number(value, places=1, grouping=True)


def bulletin_docx(bulletin: Bulletin) -> bytes:
    """The bulletin as a .docx: red-headed title, 文号, numbered sections, tables."""
    doc = document_new()
    centred(doc, "郑州市教育局督查室", size=22, bold=True)
    centred(doc, bulletin.number)
    centred(doc, f"关于{bulletin.period.label}重点工作推进情况的督查通报", size=16, bold=True)
    doc.add_paragraph(
        f"根据《{bulletin.plan.name}》和双月报制度，现将截至{bulletin.period.label}末各项重点工程目标推进、"
        "报表报送和督办事项办理情况通报如下。"
    )
    doc.add_heading("一、重点工程推进情况", level=2)
    table_add(
        doc,
        ["工程", "正常/已完成", "预警", "滞后/未完成", "暂无数据/未评估", "待评估", "达标比例"],
        [
            [
                f"{p.number}. {p.name}",
                str(p.ok),
                str(p.count(Status.AT_RISK)),
                str(p.behind),
                str(p.unknown),
                str(p.count(Status.UNMEASURED)),
                "—" if p.share_on_track is None else f"{p.share_on_track:.0f}%",
            ]
            for p in bulletin.projects
        ],
    )
    if bulletin.provisional:
        doc.add_paragraph(
            "注：下列目标暂按临时口径统计，其状态计入所属工程："
            + "；".join(
                f"{_place(s)}{s.target.indicator}（{s.provisional}）" for s in bulletin.provisional
            )
            + "。"
        )
    doc.add_heading("二、滞后和未完成目标", level=2)
    if bulletin.off_track:
        table_add(
            doc,
            ["工程/要点", "指标", "状态", "实际", "应达", "目标值", "预测", "口径"],
            [
                [
                    _place(s),
                    s.target.indicator,
                    s.label,
                    _num(s.actual),
                    _num(s.expected),
                    _num(s.goal),
                    _num(s.forecast),
                    f"临时口径：{s.provisional}" if s.provisional else "—",
                ]
                for s in bulletin.off_track
            ],
        )
    else:
        doc.add_paragraph("本期无滞后或未完成目标。")
    doc.add_heading("三、报表报送情况（按县市区）", level=2)
    table_add(
        doc,
        ["县（市、区）", "应报", "未报", "逾期报送"],
        [[d.name, str(d.expected), str(d.missing), str(d.late)] for d in bulletin.districts],
    )
    doc.add_heading("四、督办事项办理情况", level=2)
    o = bulletin.orders
    doc.add_paragraph(
        f"本期立项督办 {o['total']} 件，已反馈 {o['answered']} 件，尚未反馈 {o['open']} 件。"
    )
    if bulletin.orders_by_rule:
        table_add(
            doc,
            ["预警规则", "立项", "已反馈"],
            [[rule, str(n), str(done)] for rule, n, done in bulletin.orders_by_rule],
        )
    doc.add_paragraph("请各单位对照通报，抓紧整改滞后事项，按时报送报表，及时反馈督办事项。")
    signature = doc.add_paragraph(
        f"郑州市教育局督查室\n{bulletin.issued_on.year}年{bulletin.issued_on.month}月{bulletin.issued_on.day}日"
    )
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return document_bytes(doc)


BEHIND = frozenset({Status.OFF_TRACK, Status.MISSED})


def status_label(status: Status | None) -> str:
    return "" if status is None else str(STATUS_LABELS[status])


def plan_for_bulletin(code: str | None = None) -> Plan | None:
    return plan_default(code)
