"""Reporting pages over HTTP: Alice fills and submits, Bob returns or approves, the
figures follow; nobody reads or writes outside their scope; refusals store nothing."""

from __future__ import annotations

import datetime
import os
import re
import time

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from eduplan.core.uploads import upload_orphans_sweep
from eduplan.org.tests.factories import OrgUnitFactory
from eduplan.reporting.definitions import definition_from_data
from eduplan.reporting.models import (
    Attachment,
    DataValue,
    Status,
    Submission,
    SubmissionEvent,
)
from eduplan.reporting.services import (
    expected_reports_open,
    form_load,
    submission_approve,
    submission_save,
    submission_submit,
)
from eduplan.reporting.tests.conftest import CLASS_FORM, GOOD

ENTRY = "/reports/class-size-test/2016T1/410105-P1/"
COMPLETENESS = "/reports/completeness/class-size-test/2016T1/"
IN_TIME = datetime.datetime(2016, 7, 20, 9, 0, tzinfo=datetime.UTC)


def _zh(text: object) -> str:
    """A string as the Chinese page shows it (whatever the catalogue holds today)."""
    with translation.override("zh-hans"):
        return str(text)


def _post(client, url=ENTRY, *, action="save", revision=0, values=None, **extra):
    data = {f"v-{code}": value for code, value in (values or {}).items()}
    return client.post(url, {"action": action, "revision": revision, **data, **extra})


def _field(body: str, code: str) -> str:
    """The HTML of one field's row on the entry page."""
    match = re.search(
        rf'data-code="{code}">(.*?)(?=<div class="row mb-3 entry-field"|</form>)', body, re.S
    )
    assert match, f"no field {code}"
    return match.group(1)


def _submitted(city, form, values=GOOD):
    alice = city.users["alice"]
    sub = submission_save(
        user=alice, form=form, org_unit=city.jinshui_one, period_code="2016T1", values=values
    )
    return submission_submit(user=alice, submission=sub, revision=sub.revision)


def test_the_entry_page_has_one_fitting_field_per_element_in_order(client, city, class_form):
    client.force_login(city.users["alice"])
    body = client.get(ENTRY).content.decode()
    codes = re.findall(r'class="row mb-3 entry-field" data-code="(\w+)"', body)
    assert codes == [e["code"] for e in CLASS_FORM["elements"]]
    first = _field(body, "classes_total")
    assert 'type="number"' in first and 'step="1"' in first and 'min="1"' in first
    assert '<span class="input-group-text">个</span>' in first and "autofocus" in first
    assert 'step="0.0001"' in _field(body, "share_digital") and 'max="100"' in _field(
        body, "share_digital"
    )
    assert '<option value="是">' in _field(body, "has_card")
    assert "<textarea" in _field(body, "note")
    assert 'name="revision" value="0"' in body
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', body)


def test_alice_fills_and_submits_through_the_web_and_bob_sees_it_in_his_completeness(
    client, city, class_form
):
    with time_machine.travel(IN_TIME, tick=False):
        client.force_login(city.users["alice"])
        assert _post(client, values=GOOD, idempotency_key="a1").status_code == 302
        draft = Submission.objects.get()
        assert draft.status == Status.DRAFT
        body = client.get(ENTRY).content.decode()
        assert f'name="revision" value="{draft.revision}"' in body
        assert 'value="20"' in _field(body, "classes_total")  # shown back
        response = _post(
            client, action="submit", revision=draft.revision, values=GOOD, idempotency_key="a2"
        )
        assert response.status_code == 302
        assert Submission.objects.get().status == Status.SUBMITTED
        body = client.get(ENTRY).content.decode()
        assert 'id="entry-form"' not in body and 'id="report-values"' in body  # read-only
        assert 'data-status="submitted"' in body

        client.force_login(city.users["bob"])
        body = client.get(COMPLETENESS).content.decode()  # Bob's own district by default
    assert 'data-expected="2" data-submitted="1"' in body
    rows = dict(re.findall(r'class="child-row" data-unit="([\w-]+)" (data-[^>]*)>', body))
    assert rows["410105-P1"] == 'data-expected="1" data-submitted="1"'
    assert rows["410105-P2"] == 'data-expected="1" data-submitted="0"'
    assert "50.0%" in body


def test_bob_returns_with_a_reason_and_alice_sees_it_on_my_reports(client, city, class_form):
    sub = _submitted(city, class_form)
    client.force_login(city.users["bob"])
    body = client.get(ENTRY).content.decode()
    assert 'id="decision"' in body and 'value="approve"' in body and 'value="return"' in body
    refused = _post(client, action="return", revision=sub.revision, reason="  ")
    assert refused.status_code == 200 and "is-invalid" in refused.content.decode()
    assert Submission.objects.get().status == Status.SUBMITTED
    response = _post(client, action="return", revision=sub.revision, reason="大班额班数有误")
    assert response.status_code == 302

    client.force_login(city.users["alice"])
    body = client.get("/reports/").content.decode()
    assert 'data-unit="410105-P1" data-status="returned"' in body
    assert "大班额班数有误" in body
    entry = client.get(ENTRY).content.decode()
    assert 'id="returned-reason"' in entry and 'id="entry-form"' in entry  # editable again
    assert 'data-action="return"' in entry  # in the history, with its reason


def test_bob_approves_and_the_report_is_locked_until_he_reopens_it(client, city, class_form):
    sub = _submitted(city, class_form)
    client.force_login(city.users["bob"])
    assert _post(client, action="approve", revision=sub.revision).status_code == 302
    sub.refresh_from_db()
    assert sub.status == Status.APPROVED and sub.decided_by == city.users["bob"]
    body = client.get(ENTRY).content.decode()
    assert 'value="reopen"' in body and 'value="approve"' not in body

    client.force_login(city.users["alice"])
    body = client.get(ENTRY).content.decode()
    assert 'id="entry-form"' not in body and 'id="decision"' not in body
    refused = _post(client, revision=sub.revision, values={"classes_large": "1"})
    assert 'id="refused"' in refused.content.decode()
    assert DataValue.objects.get(element__code="classes_large").number == 3

    client.force_login(city.users["bob"])
    assert (
        _post(client, action="reopen", revision=sub.revision, reason="复核更正").status_code == 302
    )
    assert Submission.objects.get().status == Status.RETURNED


def test_the_approval_queue_lists_what_bob_may_approve_and_links_to_it(client, city, class_form):
    _submitted(city, class_form)
    client.force_login(city.users["bob"])
    body = client.get("/reports/approvals/").content.decode()
    assert 'class="approval-row" data-unit="410105-P1"' in body and f'href="{ENTRY}"' in body
    client.force_login(city.users["dora"])
    assert 'class="approval-row"' not in client.get("/reports/approvals/").content.decode()


@pytest.mark.parametrize(
    ("who", "method", "url"),
    [
        ("charlie", "get", ENTRY),
        ("charlie", "post", ENTRY),
        ("dora", "get", ENTRY),
        ("dora", "get", f"{COMPLETENESS}?org=410105"),
        ("dora", "get", "/reports/completeness/?org=410105"),
        ("bob", "get", f"{COMPLETENESS}?org=410103"),
        ("alice", "get", f"{COMPLETENESS}?org=410105"),
        ("lee", "post", ENTRY),  # may read, may not enter
        ("sue", "post", ENTRY),
        ("nobody", "get", "/reports/"),
        ("nobody", "get", "/reports/approvals/"),
        ("nobody", "get", "/reports/completeness/"),
        ("nobody", "get", COMPLETENESS),
        ("nobody", "get", ENTRY),
        ("nobody", "post", ENTRY),
    ],
)
def test_nobody_reads_or_writes_outside_their_scope(client, city, class_form, who, method, url):
    client.force_login(city.users[who])
    data = {"action": "save", "revision": 0, "v-classes_total": "5"}
    response = getattr(client, method)(url, data) if method == "post" else client.get(url)
    assert response.status_code == 403
    assert not Submission.objects.exists()


@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
def test_alice_cannot_decide_her_own_report(client, city, class_form, action):
    sub = _submitted(city, class_form)
    client.force_login(city.users["alice"])
    if action == "reopen":
        sub = submission_approve(user=city.users["bob"], submission=sub, revision=sub.revision)
    response = _post(client, action=action, revision=sub.revision, reason="我自己")
    assert response.status_code == 403
    assert Submission.objects.get().status == sub.status


def test_pages_send_anonymous_visitors_to_the_login(client, city, class_form):
    for url in ("/reports/", ENTRY, COMPLETENESS, "/reports/approvals/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_readers_in_scope_see_the_pages(client, city, class_form):
    _submitted(city, class_form)
    for who in ("lee", "sue", "dan", "bob"):
        client.force_login(city.users[who])
        assert client.get(ENTRY).status_code == 200
        assert client.get(f"{COMPLETENESS}?org=410105").status_code == 200
    client.force_login(city.users["lee"])
    assert 'id="entry-form"' not in client.get(ENTRY).content.decode()


def test_a_report_nobody_expects_is_not_found(client, city, class_form):
    client.force_login(city.users["bob"])
    assert client.get("/reports/class-size-test/2016T1/410105/").status_code == 404
    assert client.get("/reports/class-size-test/2016B1/410105-P1/").status_code == 404
    assert client.get("/reports/class-size-test/2099X/410105-P1/").status_code == 404
    assert client.get("/reports/no-such-form/2016T1/410105-P1/").status_code == 404


def test_a_bad_value_shows_its_message_beside_the_field_and_stores_nothing(
    client, city, class_form
):
    client.force_login(city.users["alice"])
    response = _post(client, values={**GOOD, "classes_total": "二十", "share_digital": "120"})
    assert response.status_code == 200
    body = response.content.decode()
    field = _field(body, "classes_total")
    assert "is-invalid" in field and '<div class="invalid-feedback">' in field
    assert "二十" in field.split('class="invalid-feedback">', 1)[1]
    assert "is-invalid" in _field(body, "share_digital")
    assert "is-invalid" not in _field(body, "pupils_total")
    assert 'id="problems"' in body
    assert 'value="900"' in _field(body, "pupils_total")  # what she typed is kept
    assert not Submission.objects.exists() and not DataValue.objects.exists()


def test_a_broken_rule_blocks_submission_and_marks_its_fields(client, city, class_form):
    client.force_login(city.users["alice"])
    values = {**GOOD, "classes_large": "30"}
    response = _post(client, action="submit", values=values)
    body = response.content.decode()
    assert "大班额班数不能超过教学班总数" in body
    assert "is-invalid" in _field(body, "classes_large")
    assert Submission.objects.get().status == Status.DRAFT  # saved, not submitted


def test_warnings_ask_for_a_comment_before_submitting(client, city, class_form):
    client.force_login(city.users["alice"])
    values = {**GOOD, "pupils_total": "1700"}
    body = _post(client, action="submit", values=values).content.decode()
    assert 'id="id_comment"' in body and 'id="warnings"' in body
    sub = Submission.objects.get()
    assert sub.status == Status.DRAFT
    revision = re.search(r'name="revision" value="(\d+)"', body).group(1)
    response = _post(
        client, action="submit", revision=revision, values=values, comment="寄宿制学校，已核实"
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.status == Status.SUBMITTED and sub.comment == "寄宿制学校，已核实"


def test_a_stale_revision_shows_the_conflict_message_and_changes_nothing(client, city, class_form):
    client.force_login(city.users["alice"])
    _post(client, values=GOOD)
    opened_at = Submission.objects.get().revision
    submission_save(
        user=city.users["bob"],
        form=class_form,
        org_unit=city.jinshui_one,
        period_code="2016T1",
        values={"classes_large": "5"},
        revision=opened_at,
    )
    response = _post(client, revision=opened_at, values={**GOOD, "classes_large": "1"})
    body = response.content.decode()
    assert 'id="conflict"' in body and "reload" in body.lower()
    assert 'value="save"' not in body  # only "reload" is offered
    assert DataValue.objects.get(element__code="classes_large").number == 5


def test_a_double_post_with_the_same_idempotency_key_is_stored_once(client, city, class_form):
    client.force_login(city.users["alice"])
    for _ in range(2):
        response = _post(client, values=GOOD, idempotency_key="k-1")
        assert response.status_code == 302
    sub = Submission.objects.get()
    assert SubmissionEvent.objects.count() == 1
    for _ in range(2):  # a double click on 提交
        response = _post(
            client, action="submit", revision=sub.revision, values=GOOD, idempotency_key="k-2"
        )
        assert response.status_code == 302
    actions = list(SubmissionEvent.objects.values_list("action", flat=True))
    assert actions == ["create", "submit"]
    assert Submission.objects.get().status == Status.SUBMITTED


# Evidence files ----------------------------------------------------------------------

EVIDENCE_ENTRY = "/reports/evidence-test/2016T1/410105-P1/"


@pytest.fixture
def evidence_form(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EDUPLAN_UPLOAD_MAX_BYTES = 1000
    data = {**CLASS_FORM, "code": "evidence-test", "attachments": True, "rules": []}
    form, _version, _created = form_load(definition=definition_from_data(data, source="test"))
    expected_reports_open(form=form, period_code="2016T1")
    return form


def _upload(client, content: bytes, name="佐证.pdf", url=EVIDENCE_ENTRY):
    return client.post(url, {"action": "upload", "file": SimpleUploadedFile(name, content)})


def test_alice_uploads_evidence_and_reads_it_back_as_a_download(client, city, evidence_form):
    client.force_login(city.users["alice"])
    body = client.get(EVIDENCE_ENTRY).content.decode()
    assert 'id="evidence"' in body and 'name="file"' not in body  # a draft comes first
    _post(client, EVIDENCE_ENTRY, values=GOOD)
    assert _upload(client, b"%PDF-1.4 evidence").status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == "佐证.pdf" and attachment.uploaded_by == city.users["alice"]
    body = client.get(EVIDENCE_ENTRY).content.decode()
    assert f"/reports/files/{attachment.pk}/" in body and "/media/" not in body
    assert 'data-action="attach"' in body

    response = client.get(f"/reports/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 evidence"


def test_an_oversized_or_empty_upload_is_refused_with_a_message(client, city, evidence_form):
    client.force_login(city.users["alice"])
    _post(client, EVIDENCE_ENTRY, values=GOOD)
    response = _upload(client, b"")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_file"' in body and "is-invalid" in body.split('id="evidence"', 1)[1]
    # A file past the limit is refused while it streams in, before the view runs.
    too_large = _upload(client, b"%PDF" + b"x" * 997)
    assert too_large.status_code == 413 and "佐证.pdf" in too_large.content.decode()
    assert not Attachment.objects.exists()
    assert _upload(client, b"%PDF" + b"x" * 996).status_code == 302  # the limit is allowed


def test_a_download_outside_scope_is_refused(client, city, evidence_form):
    client.force_login(city.users["alice"])
    _post(client, EVIDENCE_ENTRY, values=GOOD)
    _upload(client, b"%PDF-1.4 evidence")
    url = f"/reports/files/{Attachment.objects.get().pk}/"
    for who, status in (("charlie", 403), ("dora", 403), ("nobody", 403), ("bob", 200)):
        client.force_login(city.users[who])
        assert client.get(url).status_code == status, who
    client.force_login(city.users["charlie"])
    assert _upload(client, b"not mine").status_code == 403
    assert Attachment.objects.count() == 1


def test_an_executable_named_as_a_pdf_is_refused_as_evidence(client, city, evidence_form):
    client.force_login(city.users["alice"])
    _post(client, EVIDENCE_ENTRY, values=GOOD)
    response = _upload(client, b"MZ\x90\x00" + b"\x00" * 60, name="通知.pdf")
    assert response.status_code == 200 and "通知.pdf" in response.content.decode()
    assert not Attachment.objects.exists()


def test_evidence_downloads_as_a_sandboxed_attachment(client, city, evidence_form):
    client.force_login(city.users["alice"])
    _post(client, EVIDENCE_ENTRY, values=GOOD)
    _upload(client, b"%PDF-1.4 evidence", name="证明\u202egpj.pdf")
    response = client.get(f"/reports/files/{Attachment.objects.get().pk}/")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E2%80%AE" not in response["Content-Disposition"]


def test_the_sweep_removes_old_files_no_row_points_to_and_keeps_the_rest(
    client, city, evidence_form, tmp_path
):
    client.force_login(city.users["alice"])
    _post(client, EVIDENCE_ENTRY, values=GOOD)
    _upload(client, b"%PDF-1.4 kept")
    kept = tmp_path / Attachment.objects.get().file.name
    orphan = kept.parent / "crashed-before-commit.pdf"
    fresh = kept.parent / "being-committed.pdf"
    for path in (orphan, fresh):
        path.write_bytes(b"%PDF-1.4 no row")
    old = time.time() - 7200
    for path in (kept, orphan):
        os.utime(path, (old, old))
    removed = upload_orphans_sweep(older_than_seconds=3600)
    assert removed == [orphan.relative_to(tmp_path).as_posix()]
    assert kept.exists() and fresh.exists() and not orphan.exists()


def test_evidence_cannot_be_added_to_a_submitted_report(client, city, evidence_form):
    client.force_login(city.users["alice"])
    _post(client, EVIDENCE_ENTRY, values=GOOD)
    sub = Submission.objects.get()
    submission_submit(user=city.users["alice"], submission=sub, revision=sub.revision)
    assert _upload(client, b"late").status_code == 200
    assert not Attachment.objects.exists()


# Queries -----------------------------------------------------------------------------

PERIODS = [f"{year}T{term}" for year in range(2016, 2021) for term in (1, 2)]


@pytest.fixture(params=[1, 10], ids=["1-report", "10-reports"])
def many(request, city, class_form):
    """n reports of Alice's school, all submitted, and n extra schools in 金水区."""
    n = request.param
    codes = PERIODS[:n]
    for code in codes[1:]:
        expected_reports_open(form=class_form, period_code=code)
    for i in range(n):
        OrgUnitFactory(code=f"410105-X{i}", name=f"金水新校{i}", parent=city.jinshui)
    expected_reports_open(form=class_form, period_code="2016T1")
    alice = city.users["alice"]
    for code in codes:
        sub = submission_save(
            user=alice, form=class_form, org_unit=city.jinshui_one, period_code=code, values=GOOD
        )
        submission_submit(user=alice, submission=sub, revision=sub.revision)
    return n

    # Every page also counts the unread inbox messages for the menu (one query).


@pytest.mark.parametrize(
    ("who", "url", "most"),
    [
        # Each report page reads whether its periods are closed for entry (one query).
        # 我的填报 counts what is due, overdue and returned (one query).
        ("alice", "/reports/", 11),
        ("bob", "/reports/", 11),
        ("bob", "/reports/approvals/", 6),
        ("bob", COMPLETENESS, 16),
        ("lee", f"{COMPLETENESS}?org=410100", 16),
        ("bob", ENTRY, 13),
    ],
)
def test_list_pages_run_a_fixed_number_of_queries(
    client, city, many, who, url, most, django_assert_max_num_queries
):
    client.force_login(city.users[who])
    client.get(url)  # warm the session
    with django_assert_max_num_queries(most):  # the same bound for 1 report and for 10
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    if url == "/reports/approvals/":
        assert body.count('class="approval-row"') == many
    if who == "alice" and url == "/reports/":
        assert body.count('class="report-row"') == many


def test_a_submit_that_sends_no_value_fields_keeps_every_stored_value(client, city, class_form):
    with time_machine.travel(IN_TIME, tick=False):
        alice = city.users["alice"]
        draft = submission_save(
            user=alice,
            form=class_form,
            org_unit=city.jinshui_one,
            period_code="2016T1",
            values=GOOD,
        )
        client.force_login(alice)
        response = _post(client, action="submit", revision=draft.revision)  # no v-… fields
    assert response.status_code == 302
    assert Submission.objects.get().status == Status.SUBMITTED
    stored = dict(DataValue.objects.values_list("element__code", "number"))
    assert stored == {code: int(value) for code, value in GOOD.items()}


def test_a_field_sent_blank_clears_its_value_and_a_field_not_sent_is_left(client, city, class_form):
    with time_machine.travel(IN_TIME, tick=False):
        alice = city.users["alice"]
        draft = submission_save(
            user=alice,
            form=class_form,
            org_unit=city.jinshui_one,
            period_code="2016T1",
            values=GOOD,
        )
        client.force_login(alice)
        response = _post(client, revision=draft.revision, values={"classes_large": ""})
    assert response.status_code == 302
    stored = dict(DataValue.objects.values_list("element__code", "number"))
    assert stored == {"classes_total": 20, "pupils_total": 900}


@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
def test_a_decision_by_one_who_may_not_decide_is_forbidden_whatever_the_status(
    client, city, class_form, action
):
    alice = city.users["alice"]
    with time_machine.travel(IN_TIME, tick=False):
        draft = submission_save(
            user=alice,
            form=class_form,
            org_unit=city.jinshui_one,
            period_code="2016T1",
            values=GOOD,
        )
        client.force_login(alice)  # a reporter, and the report is a draft besides
        response = _post(client, action=action, revision=draft.revision, reason="x")
    assert response.status_code == 403
    assert Submission.objects.get().status == Status.DRAFT
