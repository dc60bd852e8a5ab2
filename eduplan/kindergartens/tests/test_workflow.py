"""The workflows end to end: the notice runs its working days, objections are recorded
and decided, publishing changes the register and writes the ledger's record, and a
re-evaluation round draws a sample anyone can draw again."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from eduplan.core.errors import InputError
from eduplan.kindergartens.models import (
    Application,
    Certification,
    Grade,
    Grading,
    Kindergarten,
    Objection,
    RecheckItem,
)
from eduplan.kindergartens.rechecks import (
    recheck_population,
    recheck_redraw,
    recheck_result_record,
    recheck_round_draw,
)
from eduplan.kindergartens.workflow import (
    application_step,
    application_submit,
    objection_decide,
    objection_record,
    working_days_after,
)
from eduplan.ledgers.models import LedgerRecord

S = Application.Status
FRIDAY = datetime.datetime(2016, 6, 3, 10, 0, tzinfo=datetime.UTC)


def test_working_days_skip_weekends():
    friday = datetime.date(2016, 6, 3)
    assert working_days_after(friday, 1) == datetime.date(2016, 6, 6)
    assert working_days_after(friday, 5) == datetime.date(2016, 6, 10)
    assert working_days_after(datetime.date(2016, 6, 4), 5) == datetime.date(2016, 6, 10)


def _through_city(kg, application: Application) -> Application:
    application = application_step(
        user=kg.users["bob"], application=application, step="district_pass"
    )
    application = application_step(user=kg.users["xue"], application=application, step="city_pass")
    return application_step(user=kg.users["xue"], application=application, step="notice_start")


def test_an_inclusive_certification_runs_its_notice_then_is_published(kg, settings):
    settings.EDUPLAN_PRESCHOOL_NOTICE_WORKING_DAYS = 5
    with time_machine.travel(FRIDAY, tick=False):
        application = application_submit(
            user=kg.users["kim"],
            kindergarten=kg.jinshui_kg1,
            kind=Application.Kind.INCLUSIVE,
            fee_monthly="650",
            evidence="收费批复、办园条件自评",
        )
        application = _through_city(kg, application)
        assert application.notice_ends == datetime.date(2016, 6, 10)
    with time_machine.travel(datetime.datetime(2016, 6, 10, 9, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(InputError, match="runs until 2016-06-10"):
            application_step(user=kg.users["xue"], application=application, step="publish")
        objection = objection_record(
            user=kg.users["xue"], application=application, text="实际收费高于公示", token="t1"
        )
        # The same form sent twice is stored once.
        assert (
            objection_record(
                user=kg.users["xue"], application=application, text="实际收费高于公示", token="t1"
            )
            == objection
        )
    with time_machine.travel(datetime.datetime(2016, 6, 13, 9, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(InputError, match="Decide every objection"):
            application_step(user=kg.users["xue"], application=application, step="publish")
        objection_decide(
            user=kg.users["xue"], objection=objection, upheld=False, answer="经核实收费符合批复"
        )
        done = application_step(
            user=kg.users["xue"],
            application=application,
            step="publish",
            document="郑教〔2016〕1号",
        )
    assert done.status == S.PUBLISHED
    certification = Certification.objects.get(kindergarten=kg.jinshui_kg1)
    assert (certification.certified_on, certification.document) == (
        datetime.date(2016, 6, 13),
        "郑教〔2016〕1号",
    )
    assert list(done.events.values_list("step", flat=True)) == [
        "apply",
        "district_pass",
        "city_pass",
        "notice_start",
        "objection",
        "objection_dismissed",
        "publish",
    ]
    assert all(e.actor is not None and e.at is not None for e in done.events.all())


def test_an_upheld_objection_refuses_the_application_with_its_answer(kg):
    application = application_submit(
        user=kg.users["bob"],
        kindergarten=kg.jinshui_kg2,
        kind=Application.Kind.INCLUSIVE,
        fee_monthly="700",
        evidence="材料",
    )
    application = _through_city(kg, application)
    objection = objection_record(
        user=kg.users["xue"], application=application, text="存在违规收费", token="t2"
    )
    objection_decide(user=kg.users["xue"], objection=objection, upheld=True, answer="查实违规收费")
    application.refresh_from_db()
    assert (application.status, application.refusal_reason) == (S.REFUSED, "查实违规收费")
    assert Objection.objects.get().outcome == Objection.Outcome.UPHELD
    assert not Certification.objects.exists()


def test_a_published_upgrade_writes_the_grading_ledgers_record(kg):
    application = application_submit(
        user=kg.users["kim"],
        kindergarten=kg.jinshui_kg1,
        kind=Application.Kind.UPGRADE,
        grade_sought=Grade.FIRST,
        fee_monthly="800",
        evidence="一级园评估自评报告",
    )
    application = _through_city(kg, application)
    Application.objects.filter(pk=application.pk).update(notice_ends=datetime.date(2016, 1, 1))
    application.refresh_from_db()
    done = application_step(user=kg.users["xue"], application=application, step="publish")
    record = LedgerRecord.objects.get(ledger__code="kindergarten_grading")
    assert done.ledger_record == record
    assert record.data["kind"] == "达标升级"
    assert (record.data["grade_before"], record.data["grade_after"]) == (
        "郑州市二级幼儿园",
        "郑州市一级幼儿园",
    )
    kindergarten = Kindergarten.objects.get(pk=kg.jinshui_kg1.pk)
    assert kindergarten.grade == Grade.FIRST
    assert Grading.objects.get(kindergarten=kindergarten).ledger_record == record


@pytest.mark.parametrize(
    ("kind", "grade", "message"),
    [
        (Application.Kind.UPGRADE, Grade.SECOND, "above the current"),
        (Application.Kind.UPGRADE, Grade.QUALIFIED, "above the current"),
        (Application.Kind.UPGRADE, "bogus", "above the current"),
    ],
)
def test_an_upgrade_seeks_a_higher_grade(kg, kind, grade, message):
    with pytest.raises(InputError, match=message):
        application_submit(
            user=kg.users["kim"],
            kindergarten=kg.jinshui_kg1,
            kind=kind,
            grade_sought=grade,
            fee_monthly="1",
            evidence="x",
        )
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("fee", "evidence"), [("-1", "x"), ("很多", "x"), ("NaN", "x"), ("1", " ")]
)
def test_bad_fee_or_missing_evidence_is_refused(kg, fee, evidence):
    with pytest.raises(InputError, match=r"^(evidence|fee): "):
        application_submit(
            user=kg.users["kim"],
            kindergarten=kg.jinshui_kg1,
            kind=Application.Kind.INCLUSIVE,
            fee_monthly=fee,
            evidence=evidence,
        )
    assert not Application.objects.exists()


def test_a_second_open_application_is_refused(kg):
    call = {
        "user": kg.users["kim"],
        "kindergarten": kg.jinshui_kg1,
        "kind": Application.Kind.INCLUSIVE,
        "fee_monthly": "600",
        "evidence": "x",
    }
    application_submit(**call)
    with pytest.raises(InputError, match="already has an open application"):
        application_submit(**call)
    assert Application.objects.count() == 1


def test_a_public_kindergarten_does_not_apply_for_inclusive_status(kg):
    Kindergarten.objects.filter(pk=kg.jinshui_kg1.pk).update(ownership="public")
    kg.jinshui_kg1.refresh_from_db()
    with pytest.raises(InputError, match="Only private"):
        application_submit(
            user=kg.users["kim"],
            kindergarten=kg.jinshui_kg1,
            kind=Application.Kind.INCLUSIVE,
            fee_monthly="600",
            evidence="x",
        )


def test_a_recheck_round_is_drawn_again_from_its_seed_and_records_each_result(kg):
    day = datetime.date(2016, 11, 1)
    round_ = recheck_round_draw(user=kg.users["xue"], year=2016, size=3, seed="抽验:2016", day=day)
    items = list(RecheckItem.objects.filter(round=round_).order_by("order"))
    again = recheck_redraw(seed=round_.seed, drawn_from=round_.drawn_from, size=round_.size)
    assert [i.kindergarten.unit.code for i in items] == again
    assert round_.drawn_from == [k.unit.code for k in recheck_population(day)]
    assert round_.population == 3
    with pytest.raises(InputError, match="drawn already"):
        recheck_round_draw(user=kg.users["xue"], year=2016, size=1, day=day)
    kept, lowered, revoked = items
    recheck_result_record(user=kg.users["xue"], item=kept, result="kept")
    recheck_result_record(
        user=kg.users["xue"], item=lowered, result="lowered", grade_after=Grade.QUALIFIED
    )
    recheck_result_record(user=kg.users["xue"], item=revoked, result="revoked")
    with pytest.raises(InputError, match="recorded already"):
        recheck_result_record(user=kg.users["xue"], item=kept, result="revoked")
    grades = dict(Kindergarten.objects.values_list("pk", "grade"))
    assert grades[kept.kindergarten_id] == Grade.SECOND
    assert grades[lowered.kindergarten_id] == Grade.QUALIFIED
    assert grades[revoked.kindergarten_id] == ""
    results = sorted(
        (r.data["draw_order"], r.data["result"], r.data["draw_seed"])
        for r in LedgerRecord.objects.filter(ledger__code="kindergarten_grading")
    )
    assert results == [
        (1, "保持等级", "抽验:2016"),
        (2, "降低等级", "抽验:2016"),
        (3, "撤销等级", "抽验:2016"),
    ]


@pytest.mark.parametrize("who", ["lee", "sue", "dan", "bob", "kim", "nobody"])
def test_only_the_preschool_department_draws_and_records_rechecks(kg, who):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match=r"may not do this here|无权"):
        recheck_round_draw(user=kg.users[who], year=2016, size=1)
    round_ = recheck_round_draw(user=kg.users["xue"], year=2016, size=1)
    with pytest.raises(PermissionDenied, match=r"may not do this here|无权"):
        recheck_result_record(user=kg.users[who], item=round_.items.get(), result="kept")


def test_a_lowered_grade_must_be_lower(kg):
    round_ = recheck_round_draw(user=kg.users["xue"], year=2016, size=1)
    with pytest.raises(InputError, match="grade below the current"):
        recheck_result_record(
            user=kg.users["xue"], item=round_.items.get(), result="lowered", grade_after=Grade.FIRST
        )
    assert not LedgerRecord.objects.exists()
