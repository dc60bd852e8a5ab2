"""Two writers at once: a first save that finds its report created meanwhile, and a key
claimed again. Both are settled by one `INSERT … ON CONFLICT DO NOTHING` without a
savepoint (core/db.py `insert_unless_present`), so the save's transaction goes on, or
is refused whole, as it was with the savepoint."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.db.models.signals import post_save

from eduplan.core.db import insert_unless_present
from eduplan.reporting import services
from eduplan.reporting.models import (
    DataElement,
    DataValue,
    IdempotencyKey,
    Submission,
    SubmissionEvent,
)
from eduplan.reporting.services import ERR_STALE, ConflictError, submission_save
from eduplan.reporting.tests.conftest import GOOD

PERIOD = "2016T1"


def save(city, form, values, **kwargs):
    return submission_save(
        user=city.users["alice"],
        form=form,
        org_unit=city.jinshui_one,
        period_code=PERIOD,
        values=values,
        **kwargs,
    )


class NothingThereYet:
    """The locking read as it went for a writer whose save raced another's first save: it
    found no report, and the other's commit came before its insert."""

    def first(self, **_values):
        return None


def _nothing_stored_but(winner: Submission) -> None:
    assert list(Submission.objects.values_list("pk", "revision")) == [(winner.pk, 1)]
    assert SubmissionEvent.objects.count() == 1
    assert DataValue.objects.get(element__code="classes_large").number == 3
    assert not IdempotencyKey.objects.filter(key="k-late").exists()  # refused whole


def test_a_first_save_of_a_report_already_there_is_a_conflict_and_stores_nothing(city, class_form):
    # No revision: the save inserts without reading first, and the insert finds the row.
    winner = save(city, class_form, GOOD)
    with pytest.raises(ConflictError, match=re.escape(str(ERR_STALE))):
        save(city, class_form, {**GOOD, "classes_large": "7"}, idempotency_key="k-late")
    _nothing_stored_but(winner)


def test_a_save_whose_locking_read_lost_the_race_to_a_first_save_is_a_conflict(
    city, class_form, monkeypatch
):
    winner = save(city, class_form, GOOD)
    monkeypatch.setattr(services, "_SUBMISSION_LOCKED", NothingThereYet())
    with pytest.raises(ConflictError, match=re.escape(str(ERR_STALE))):
        save(
            city,
            class_form,
            {**GOOD, "classes_large": "7"},
            revision=winner.revision,
            idempotency_key="k-late",
        )
    _nothing_stored_but(winner)


def test_a_row_inserted_unless_present_is_saved_as_save_would(city):
    seen = []

    def note(*, instance, created, **_kwargs):
        seen.append((instance.pk, created))

    post_save.connect(note, sender=IdempotencyKey, dispatch_uid="test-note")
    try:
        row = IdempotencyKey(user=city.users["alice"], key="k-1", fingerprint="a")
        assert insert_unless_present(row) is True
    finally:
        post_save.disconnect(dispatch_uid="test-note", sender=IdempotencyKey)
    stored = IdempotencyKey.objects.get(key="k-1")
    assert (row.pk, row._state.adding, row.created_at) == (stored.pk, False, stored.created_at)
    assert seen == [(stored.pk, True)]


def test_a_row_already_there_is_left_as_it_was_and_the_transaction_goes_on(city):
    alice = city.users["alice"]
    IdempotencyKey.objects.create(user=alice, key="k-1", fingerprint="first")
    with transaction.atomic():
        again = IdempotencyKey(user=alice, key="k-1", fingerprint="second")
        assert insert_unless_present(again) is False
        assert again.pk is None and again._state.adding
        # On PostgreSQL a failed INSERT would have aborted the transaction here.
        assert IdempotencyKey.objects.get(key="k-1").fingerprint == "first"


def test_an_insert_compiled_once_stores_each_rows_own_values(city):
    """The INSERT is compiled on the first row and kept for the connection: every later
    row brings its own values, its own auto_now time and its own pk."""
    from django.db.models import Value

    from eduplan.core.db import insert_new

    alice, bob = city.users["alice"], city.users["bob"]
    rows = [
        IdempotencyKey(user=user, key=f"k-{n}", fingerprint=f"f{n}", response={"n": n})
        for n, user in enumerate([alice, bob, alice])
    ]
    for row in rows:
        insert_new(row)
    stored = {r.pk: r for r in IdempotencyKey.objects.all()}
    assert len(stored) == 3
    for n, row in enumerate(rows):
        found = stored[row.pk]
        assert (found.user_id, found.key, found.fingerprint, found.response) == (
            row.user_id,
            f"k-{n}",
            f"f{n}",
            {"n": n},
        )
        assert found.created_at == row.created_at
    with pytest.raises(ValueError, match="plain values"):
        insert_new(IdempotencyKey(user=bob, key=Value("k-x"), fingerprint="x"))


def test_the_values_are_stored_as_written_and_an_element_gone_from_the_database_stores_nothing(
    city, class_form
):
    saved = save(city, class_form, GOOD)
    stored = {
        v.element.code: (v.number, v.text, v.org_unit_id, v.period)
        for v in DataValue.objects.filter(submission=saved).select_related("element")
    }
    assert set(stored) == set(GOOD)
    assert stored["classes_large"] == (3, "", city.jinshui_one.pk, PERIOD)
    # An element row deleted behind the form's back (it has no values of its own yet).
    DataValue.objects.filter(submission=saved).delete()
    saved.delete()
    DataElement.objects.filter(code="classes_large").delete()
    with pytest.raises(DataElement.DoesNotExist, match="no data element classes_large"):
        save(city, class_form, GOOD)
    assert not Submission.objects.exists() and not DataValue.objects.exists()


def test_an_update_compiled_once_writes_each_rows_own_fields_as_save_would(city):
    """The UPDATE is compiled on the first row and kept for the connection: each later row
    writes its own values, the fields not named stay, the signals say what was written,
    and a row gone is refused as `save(update_fields=…)` refuses it."""
    from django.db import DatabaseError

    from eduplan.core.db import update_saved

    alice, bob = city.users["alice"], city.users["bob"]
    rows = [
        IdempotencyKey.objects.create(user=user, key=f"k-{n}", fingerprint=f"f{n}")
        for n, user in enumerate([alice, bob])
    ]
    IdempotencyKey.objects.filter(pk=rows[1].pk).update(fingerprint="changed meanwhile")
    seen = []

    def note(*, instance, created, update_fields, **_kwargs):
        seen.append((instance.pk, created, update_fields))

    post_save.connect(note, sender=IdempotencyKey, dispatch_uid="test-note")
    try:
        for n, row in enumerate(rows):
            row.response, row.fingerprint = {"n": n, "text": "已保存"}, "not written"
            update_saved(row, ("response",))
    finally:
        post_save.disconnect(dispatch_uid="test-note", sender=IdempotencyKey)
    stored = {r.pk: r for r in IdempotencyKey.objects.all()}
    assert [(stored[r.pk].response, stored[r.pk].fingerprint) for r in rows] == [
        ({"n": 0, "text": "已保存"}, "f0"),
        ({"n": 1, "text": "已保存"}, "changed meanwhile"),
    ]
    assert seen == [(r.pk, False, frozenset({"response"})) for r in rows]
    IdempotencyKey.objects.filter(pk=rows[0].pk).delete()
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        update_saved(rows[0], ("response",))
