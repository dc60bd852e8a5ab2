"""Files in records: uploaded with the form, kept with the record, listed on its page,
downloaded by those who may see the record, refused above the size limit."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from eduplan.ledgers.models import LedgerFile, LedgerRecord
from eduplan.ledgers.services import record_create
from eduplan.ledgers.tests.conftest import values
from eduplan.reporting.services import SubmissionInvalid


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def client_for(city, who):
    client = Client()
    if who:
        client.force_login(city.users[who])
    return client


def upload(name: str = "方案.pdf", body: bytes = b"%PDF-1.4 plan") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_a_file_uploaded_with_the_form_is_kept_listed_and_downloaded(city, ledger):
    dan = client_for(city, "dan")
    posted = {**values(), "idempotency_key": "f1", "attachment": upload()}
    response = dan.post("/ledgers/showcase_test/new/", posted)
    assert response.status_code == 302
    record = LedgerRecord.objects.get()
    stored = LedgerFile.objects.get()
    assert record.data["attachment"] == "方案.pdf" and stored.record == record
    assert stored.size == len(b"%PDF-1.4 plan") and stored.uploaded_by == city.users["dan"]
    page = dan.get(f"/ledgers/records/{record.pk}/").content.decode()
    assert f'href="/ledgers/files/{stored.pk}/"' in page and "方案.pdf" in page
    for who in ("dan", "bob", "alice", "lee"):
        got = client_for(city, who).get(f"/ledgers/files/{stored.pk}/")
        assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 plan"
    for who in ("dora", "charlie", "nobody"):
        assert client_for(city, who).get(f"/ledgers/files/{stored.pk}/").status_code == 403
    assert client_for(city, None).get(f"/ledgers/files/{stored.pk}/").status_code == 302


def test_an_edit_keeps_the_file_unless_a_new_one_is_uploaded(city, ledger):
    record = record_create(
        user=city.users["dan"], ledger=ledger, values=values(), files={"attachment": upload()}
    )
    dan = client_for(city, "dan")
    url = f"/ledgers/records/{record.pk}/"
    kept = dan.post(url, {**values(pupils=7), "revision": 1, "action": "edit"})
    assert kept.status_code == 302
    record.refresh_from_db()
    assert record.data["attachment"] == "方案.pdf" and record.data["pupils"] == 7
    new = {**values(pupils=7), "revision": 2, "action": "edit", "attachment": upload("新.pdf")}
    assert dan.post(url, new).status_code == 302
    record.refresh_from_db()
    assert record.data["attachment"] == "新.pdf"
    assert list(record.files.values_list("name", flat=True)) == ["新.pdf", "方案.pdf"]
    page = dan.get(url).content.decode()
    assert len(re.findall(r'href="/ledgers/files/\d+/"', page)) == 2


def test_a_file_above_the_limit_or_empty_is_refused_and_nothing_is_stored(
    city, ledger, settings, media
):
    settings.EDUPLAN_UPLOAD_MAX_BYTES = 10
    dan = client_for(city, "dan")
    posted = {**values(), "idempotency_key": "f2", "attachment": upload(body=b"x" * 11)}
    response = dan.post("/ledgers/showcase_test/new/", posted)
    assert response.status_code == 413  # stopped while it streamed in, before the view
    with pytest.raises(SubmissionInvalid, match=r"^attachment: "):
        record_create(
            user=city.users["dan"],
            ledger=ledger,
            values=values(),
            files={"attachment": upload(body=b"")},
        )
    with pytest.raises(SubmissionInvalid, match=r"^pupils: "):
        record_create(
            user=city.users["dan"], ledger=ledger, values=values(), files={"pupils": upload()}
        )
    assert not LedgerRecord.objects.exists() and not LedgerFile.objects.exists()
    assert not any(media.rglob("*.pdf"))
