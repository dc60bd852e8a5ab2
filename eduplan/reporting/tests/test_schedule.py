"""Periods on a schedule: the daily run opens what is due to be open (once), reminds each
unsubmitted report once before its due date, and closes periods for entry; a closed
period refuses drafts through the services, the web form and the xlsx import until an
approver sends the report back."""

from __future__ import annotations

import datetime
import io
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import translation
from django_tasks import TaskResultStatus

from eduplan.core.errors import InputError
from eduplan.org.models import Role
from eduplan.org.tests.factories import user_with_role
from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.entry_window import ERR_CLOSED
from eduplan.reporting.models import (
    DataValue,
    ExpectedReport,
    PeriodClosure,
    ReportReminder,
    Status,
    Submission,
)
from eduplan.reporting.schedule import reporting_run
from eduplan.reporting.services import (
    form_load,
    submission_approve,
    submission_reopen,
    submission_save,
    submission_submit,
)
from eduplan.reporting.tests.conftest import CLASS_FORM, GOOD
from eduplan.reporting.xlsx import xlsx_import, xlsx_template, xlsx_units
from eduplan.supervision.models import InboxMessage
from eduplan.supervision.tasks import supervision_daily

DISTRICT_FORM = {
    **CLASS_FORM,
    "code": "district-bimonthly",
    "name": "区县双月报",
    "period_type": "bimonthly",
    "due_days": 5,
    "assigned_types": ["district"],
}
SPRING = "2016年春季学期"
# class_form (conftest): 2016T1 ends 2016-07-31, due 2016-08-15, closes 30 days later.
CLOSES_ON = datetime.date(2016, 9, 14)


@pytest.fixture(autouse=True)
def _schedule_settings(settings):
    """Defaults spelled out, so the tests do not depend on the environment."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EDUPLAN_REPORTING_OPEN_DAYS_BEFORE_END = 0
    settings.EDUPLAN_REPORTING_REMIND_DAYS_BEFORE_DUE = 3
    settings.EDUPLAN_REPORTING_CLOSE_DAYS_AFTER_DUE = 30


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _load(data):
    form, _version, _created = form_load(definition=definition_from_data(data, source="t"))
    return form


def _opened() -> Counter[tuple[str, str]]:
    return Counter(ExpectedReport.objects.values_list("form__code", "period"))


def _zh(text: object) -> str:
    """A message (lazy, or a msgid) as the Chinese page shows it."""
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def _closed_message(form) -> str:
    return _zh(ERR_CLOSED) % {"form": form.name, "period": SPRING, "date": "2016-09-14"}


def _fill(city, form, who="alice", values=None, **kw):
    return submission_save(
        user=city.users[who],
        form=form,
        org_unit=city.jinshui_one,
        period_code="2016T1",
        values=values or GOOD,
        **kw,
    )


# Opening -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "periods"),
    [
        # Term 2016T1 (Feb–Jul) is open until 09-14; bimonthly 2016B3 (May–Jun, due 07-05)
        # closed on 08-04, 2016B4 (Jul–Aug) has begun.
        ("2016-08-20", {("class-size-test", "2016T1"), ("district-bimonthly", "2016B4")}),
        # Autumn term and 2016B5 have begun; 2016T1 and 2016B4 (due 09-05) are still open.
        (
            "2016-09-05",
            {
                ("class-size-test", "2016T1"),
                ("class-size-test", "2016T2"),
                ("district-bimonthly", "2016B4"),
                ("district-bimonthly", "2016B5"),
            },
        ),
        # On its closing day a period is no longer opened (2016B4 closes on 10-05).
        (
            "2016-09-14",
            {
                ("class-size-test", "2016T2"),
                ("district-bimonthly", "2016B4"),
                ("district-bimonthly", "2016B5"),
            },
        ),
    ],
)
def test_the_daily_run_opens_exactly_the_periods_due_to_be_open_and_twice_changes_nothing(
    city, day, periods
):
    _load(CLASS_FORM), _load(DISTRICT_FORM)
    first = reporting_run(at=_day(day))
    opened = _opened()
    assert set(opened) == periods
    # Four schools (primary and senior) for the term form, two districts for the other.
    assert {pair: n for pair, n in opened.items()} == {
        pair: 4 if pair[0] == "class-size-test" else 2 for pair in periods
    }
    assert {(o.form.code, o.period.code) for o in first.opened} == periods
    again = reporting_run(at=_day(day))
    assert again.opened == [] and _opened() == opened


def test_with_days_before_the_end_set_a_period_opens_only_that_near_its_end(city, settings):
    settings.EDUPLAN_REPORTING_OPEN_DAYS_BEFORE_END = 10
    _load(CLASS_FORM), _load(DISTRICT_FORM)
    reporting_run(at=_day("2016-10-20"))  # 2016B5 ends 10-31: opens 10-21
    assert set(_opened()) == set()
    reporting_run(at=_day("2016-10-21"))
    assert set(_opened()) == {("district-bimonthly", "2016B5")}


def test_a_school_opened_in_the_middle_of_a_period_is_added_the_next_day(city):
    from eduplan.org.tests.factories import OrgUnitFactory

    form = _load(CLASS_FORM)
    reporting_run(at=_day("2016-04-01"))  # 2015T2 closed on 03-16: only 2016T1
    OrgUnitFactory(code="410105-P9", name="金水新校", parent=city.jinshui)
    run = reporting_run(at=_day("2016-04-02"))
    assert [(o.period.code, o.added) for o in run.opened] == [("2016T1", 1)]
    assert ExpectedReport.objects.filter(form=form, period="2016T1").count() == 5


# Reminders before the due date ---------------------------------------------------------


@pytest.fixture
def reporters(city):
    """Jim reports for 金水二小 (no reporter in the test city otherwise)."""
    city.jinshui_two.refresh_from_db()
    city.users["jim"] = user_with_role(
        "jim", Role.SCHOOL_REPORTER, city.jinshui_two, email="jim@example.cn"
    )
    city.users["charlie"].email = "charlie@example.cn"
    city.users["charlie"].save(update_fields=["email"])
    return city


def test_each_unsubmitted_report_is_reminded_once_before_its_due_date(
    reporters, class_form, django_capture_on_commit_callbacks
):
    city = reporters
    sub = _fill(city, class_form)
    submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    submission_save(
        user=city.users["jim"],
        form=class_form,
        org_unit=city.jinshui_two,
        period_code="2016T1",
        values={"classes_total": "5"},
    )  # a draft is not submitted: reminded
    assert reporting_run(at=_day("2016-08-11")).reminded == 0  # four days before: not yet
    # Written in Chinese whatever the caller's language; mailed once the run commits.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        run = reporting_run(at=_day("2016-08-12"))
    # 金水二小 (draft), 二七一小, 局属一中 (nobody to tell, still recorded); not 金水一小.
    assert run.reminded == 3
    reminded = set(ReportReminder.objects.values_list("expected__org_unit__code", flat=True))
    assert reminded == {"410105-P2", "410103-P1", "410100-S1"}
    # (Bob's message is the notice that 金水一小's report waits for his approval.)
    reminders = InboxMessage.objects.filter(kind="due_soon")
    inbox = {m.user.username: m for m in reminders.select_related("user")}
    assert set(inbox) == {"jim", "charlie"}
    message = inbox["jim"]
    assert message.subject == "提醒：班额情况（2016年春季学期）将于2016-08-15截止报送"
    assert "金水二小" in message.body
    assert "/reports/class-size-test/2016T1/410105-P2/" in message.body
    assert message.kind == "due_soon" and message.order_id is None
    assert sorted(m.to[0] for m in mail.outbox) == ["charlie@example.cn", "jim@example.cn"]
    assert mail.outbox[0].subject == message.subject
    # Never twice: not the next day, not on the due date.
    assert reporting_run(at=_day("2016-08-13")).reminded == 0
    assert reporting_run(at=_day("2016-08-15")).reminded == 0
    assert reminders.count() == 2 and len(mail.outbox) == 2


def test_no_reminder_after_the_due_date_nor_for_a_submitted_report(reporters, class_form):
    city = reporters
    assert reporting_run(at=_day("2016-08-16")).reminded == 0  # the missing rule's turn
    for who, unit in (("jim", city.jinshui_two), ("charlie", city.erqi_one)):
        sub = submission_save(
            user=city.users[who], form=class_form, org_unit=unit, period_code="2016T1", values=GOOD
        )
        submission_submit(user=city.users[who], submission=sub, revision=sub.revision)
    run = reporting_run(at=_day("2016-08-13"))
    assert set(ReportReminder.objects.values_list("expected__org_unit__code", flat=True)) == {
        "410105-P1",
        "410100-S1",
    }
    assert run.reminded == 2
    reminded = InboxMessage.objects.filter(kind="due_soon")
    assert list(reminded.values_list("user__username", flat=True)) == ["alice"]


# Closing and locking -----------------------------------------------------------------


def test_a_period_closes_on_its_day_once_and_says_how_many_reports_are_missing(city, class_form):
    sub = _fill(city, class_form)
    submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    assert reporting_run(at=_day("2016-09-13")).closed == []
    assert not PeriodClosure.objects.exists()
    closed = reporting_run(at=CLOSES_ON).closed
    assert [(c.form.code, c.period.code, c.closed_on, c.missing) for c in closed] == [
        ("class-size-test", "2016T1", CLOSES_ON, 3)
    ]
    assert reporting_run(at=_day("2016-09-15")).closed == []
    assert PeriodClosure.objects.get().closed_on == CLOSES_ON


def test_a_draft_of_a_closed_period_can_be_neither_saved_nor_submitted(city, class_form):
    draft = _fill(city, class_form, values={"classes_total": "20"})
    reporting_run(at=CLOSES_ON)
    before = (draft.revision, list(DataValue.objects.values_list("number", flat=True)))
    message = _closed_message(class_form)
    with translation.override("zh-hans"):
        with pytest.raises(InputError, match=message):
            _fill(city, class_form, revision=draft.revision)
        with pytest.raises(InputError, match=message):
            submission_submit(user=city.users["alice"], submission=draft, revision=draft.revision)
        with pytest.raises(InputError, match=message):  # nor started, for another school
            submission_save(
                user=city.users["charlie"],
                form=class_form,
                org_unit=city.erqi_one,
                period_code="2016T1",
                values=GOOD,
            )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert (draft.revision, list(DataValue.objects.values_list("number", flat=True))) == before
    assert Submission.objects.count() == 1


def test_after_an_approver_reopens_a_report_of_a_closed_period_it_can_be_corrected(
    city, class_form
):
    sub = _fill(city, class_form)
    sub = submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    sub = submission_approve(user=city.users["bob"], submission=sub, revision=sub.revision)
    reporting_run(at=CLOSES_ON)
    with pytest.raises(InputError, match="此填报状态为“审核通过”，不能编辑"):  # approved: locked
        _fill(city, class_form, revision=sub.revision)
    for who in ("alice", "dora", "charlie"):  # the reporter, another district, another school
        with pytest.raises(PermissionDenied, match="您无权在此执行该操作"):
            submission_reopen(
                user=city.users[who], submission=sub, revision=sub.revision, reason="改"
            )
    sub = submission_reopen(
        user=city.users["bob"], submission=sub, revision=sub.revision, reason="大班额数有误"
    )
    fixed = _fill(city, class_form, values={**GOOD, "classes_large": "2"}, revision=sub.revision)
    done = submission_submit(user=city.users["alice"], submission=fixed, revision=fixed.revision)
    assert done.status == Status.SUBMITTED
    assert DataValue.objects.get(element__code="classes_large").number == 2


def test_the_xlsx_import_refuses_a_closed_period_naming_the_row(city, class_form):
    units = xlsx_units(
        user=city.users["bob"], form=class_form, period_code="2016T1", unit=city.jinshui
    )
    template = xlsx_template(form=class_form, period_code="2016T1", units=units)
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["填报"]
    row = next(r for r in range(1, 20) if sheet[f"A{r}"].value == "410105-P1")
    sheet[f"C{row}"], sheet[f"D{row}"], sheet[f"E{row}"] = 20, 900, 3
    out = io.BytesIO()
    book.save(out)
    reporting_run(at=CLOSES_ON)
    with translation.override("zh-hans"):
        result = xlsx_import(
            user=city.users["bob"],
            form=class_form,
            period_code="2016T1",
            data=out.getvalue(),
            filename="filled.xlsx",
        )
    assert not result.ok
    assert [(p.row, p.message) for p in result.problems] == [(row, _closed_message(class_form))]
    assert not Submission.objects.exists()


# Pages -------------------------------------------------------------------------------

ENTRY = "/reports/class-size-test/2016T1/410105-P1/"


def test_the_web_form_of_a_closed_period_says_so_and_stores_nothing(client, city, class_form):
    draft = _fill(city, class_form, values={"classes_total": "20"})
    reporting_run(at=CLOSES_ON)
    client.force_login(city.users["alice"])
    page = client.get(ENTRY).content.decode()
    assert 'data-state="closed"' in page and _zh("Closed for entry") in page
    assert 'value="save"' not in page  # no save button
    values = {f"v-{code}": value for code, value in GOOD.items()}
    posted = client.post(ENTRY, {"action": "save", "revision": draft.revision, **values})
    assert posted.status_code == 200
    assert _closed_message(class_form) in posted.content.decode()
    assert DataValue.objects.count() == 1
    mine = client.get("/reports/").content.decode()
    assert 'data-entry="closed"' in mine and _zh("Closed for entry") in mine
    # The run opened the autumn term, which may be filled; the closed spring term only viewed.
    assert 'btn-primary" href="/reports/class-size-test/2016T2/410105-P1/"' in mine
    assert 'btn-outline-secondary" href="/reports/class-size-test/2016T1/410105-P1/"' in mine


def test_my_reports_marks_a_period_past_its_due_date_while_entry_goes_on(client, city, class_form):
    client.force_login(city.users["alice"])
    with time_machine.travel(datetime.datetime(2016, 8, 20, 9, tzinfo=datetime.UTC)):
        page = client.get("/reports/").content.decode()
        completeness = client.get("/reports/completeness/class-size-test/2016T1/").content
    assert 'data-entry="past_due"' in page and _zh("Past the due date") in page
    assert 'class="btn btn-sm btn-primary"' in page  # still "fill in"
    assert _zh("Past the due date") in completeness.decode()


# The command ---------------------------------------------------------------------------


def test_the_command_runs_one_day_and_prints_what_it_did(city, class_form):
    out = io.StringIO()
    call_command("reporting", "run", "--at", "2016-09-14", stdout=out)
    text = out.getvalue()
    assert "填报周期 2016-09-14" in text
    assert "开启 班额情况 2016年秋季学期：应报单位 +4" in text
    assert "关闭 班额情况 2016年春季学期：2016-09-14 起停止填报，未报 4 份" in text


def test_the_command_refuses_a_date_it_cannot_read(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("reporting", "run", "--at", "14.09.2016")


def test_the_workers_daily_task_runs_the_reporting_schedule_first(city, class_form):
    result = supervision_daily.enqueue(at="2016-09-14")
    assert result.status == TaskResultStatus.SUCCESSFUL
    reporting = result.return_value["reporting"]
    assert reporting["closed"] == [
        {"form": "class-size-test", "period": "2016T1", "closed_on": "2016-09-14", "missing": 4}
    ]
    assert reporting["opened"] == [{"form": "class-size-test", "period": "2016T2", "added": 4}]
    assert PeriodClosure.objects.filter(period="2016T1").exists()
