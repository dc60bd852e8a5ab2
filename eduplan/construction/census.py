"""Entering a school's class census of one school year: the whole list at once.

Every way in (the school's page, the workbook import, the API) replaces a school's
classes of a year through `census_replace`: checked first, written in one transaction,
each changed class recorded in the change history (`core.ChangeEvent`). The revision is
a digest of the stored list, so a write based on another list than the one stored is
refused as stale, while a retry of a write already stored (the same list) is answered
as done and stores nothing again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduplan.construction.models import SchoolClass
from eduplan.core.changes import Change, changes_record, changes_under
from eduplan.core.errors import InputError, StaleRevision
from eduplan.core.figures_cache import figures_changed
from eduplan.org.access import Action, User, actor_of, require
from eduplan.org.models import OrgUnit

PUPILS_MIN, PUPILS_MAX = 1, 150
GRADE_MIN, GRADE_MAX = 1, 12
NUMBER_MIN, NUMBER_MAX = 1, 99
YEAR_MIN, YEAR_MAX = 2000, 2100

ERR_NOT_SCHOOL = gettext_lazy("%(unit)s is not a school; only schools have classes.")
ERR_YEAR = gettext_lazy("The school year must be a year from %(low)s to %(high)s.")
ERR_GRADE = gettext_lazy("The grade must be a whole number from %(low)s to %(high)s.")
ERR_NUMBER = gettext_lazy("The class number must be a whole number from %(low)s to %(high)s.")
ERR_PUPILS = gettext_lazy("Pupils must be a whole number from %(low)s to %(high)s.")
ERR_CLASS_TWICE = gettext_lazy("Grade %(grade)s class %(number)s is listed twice.")
ERR_STALE = gettext_lazy(
    "The classes of %(school)s for %(year)s were changed by someone else since you opened "
    "them; reload and enter your changes again."
)


@dataclass(frozen=True, order=True)
class ClassRow:
    """One class as entered: grade, class number within the grade, pupils."""

    grade: int
    number: int
    pupils: int

    @property
    def key(self) -> str:
        return f"{self.grade}-{self.number}"


@dataclass(frozen=True)
class CensusWrite:
    """What a replace did: whether anything changed, and the revision now stored."""

    changed: bool
    revision: str
    added: int = 0
    removed: int = 0
    corrected: int = 0


def census_subject(*, school: OrgUnit, school_year: int) -> str:
    """The change-history subject of a school's census of one year."""
    return f"census:{school.code}:{school_year}"


def census_revision(rows: Iterable[ClassRow]) -> str:
    """A digest of a list of classes, whatever their order (the stored list's revision)."""
    text = ";".join(f"{r.grade},{r.number},{r.pupils}" for r in sorted(rows))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def census_rows(*, school: OrgUnit, school_year: int) -> list[ClassRow]:
    """A school's classes of one school year as entered, by grade and number."""
    rows = SchoolClass.objects.filter(school=school, school_year=school_year).order_by(
        "grade", "number"
    )
    return [ClassRow(grade=c.grade, number=c.number, pupils=c.pupils) for c in rows]


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def class_row_problems(row: ClassRow) -> list[tuple[str, str]]:
    """(field, message) for every value of one class out of its range."""
    problems = []
    if not _whole(row.grade, GRADE_MIN, GRADE_MAX):
        problems.append(("grade", str(ERR_GRADE % {"low": GRADE_MIN, "high": GRADE_MAX})))
    if not _whole(row.number, NUMBER_MIN, NUMBER_MAX):
        problems.append(("number", str(ERR_NUMBER % {"low": NUMBER_MIN, "high": NUMBER_MAX})))
    if not _whole(row.pupils, PUPILS_MIN, PUPILS_MAX):
        problems.append(("pupils", str(ERR_PUPILS % {"low": PUPILS_MIN, "high": PUPILS_MAX})))
    return problems


def census_check(
    *, user: User, school: OrgUnit, school_year: int, rows: Sequence[ClassRow]
) -> None:
    """Refuse a list the user may not store (another's school, not a school) or that is
    wrong (a year, grade, number or size out of range, a class twice), naming the place."""
    require(user, Action.UNIT_DATA_CHANGE, school)
    if not school.is_school:
        raise InputError(str(ERR_NOT_SCHOOL % {"unit": school.name}), where=school.code)
    if not _whole(school_year, YEAR_MIN, YEAR_MAX):
        raise InputError(str(ERR_YEAR % {"low": YEAR_MIN, "high": YEAR_MAX}), where="school_year")
    seen: set[str] = set()
    for index, row in enumerate(rows):
        for field, message in class_row_problems(row):
            raise InputError(message, where=f"classes[{index}].{field}")
        if row.key in seen:
            raise InputError(
                str(ERR_CLASS_TWICE % {"grade": row.grade, "number": row.number}),
                where=f"classes[{index}]",
            )
        seen.add(row.key)


@transaction.atomic
def census_replace(
    *,
    user: User,
    school: OrgUnit,
    school_year: int,
    rows: Sequence[ClassRow],
    revision: str | None,
    note: str = "",
) -> CensusWrite:
    """Make the school's classes of the year exactly `rows`. Refuses bad input and a
    stale `revision` (None: the caller checked nothing and overwrites), storing nothing;
    a list equal to the stored one stores nothing and is no conflict (a retry)."""
    census_check(user=user, school=school, school_year=school_year, rows=rows)
    # Lock the school's row: two writers of one census wait for each other.
    OrgUnit.objects.select_for_update().filter(pk=school.pk).first()
    rows_stored = {
        f"{s.grade}-{s.number}": s
        for s in SchoolClass.objects.filter(school=school, school_year=school_year)
    }
    stored = {
        k: ClassRow(grade=s.grade, number=s.number, pupils=s.pupils) for k, s in rows_stored.items()
    }
    wanted = {r.key: r for r in rows}
    current = census_revision(stored.values())
    if stored == wanted:
        return CensusWrite(changed=False, revision=current)
    if revision is not None and revision != current:
        raise StaleRevision(str(ERR_STALE % {"school": school.name, "year": school_year}))
    removed = [k for k in stored if k not in wanted]
    added = [wanted[k] for k in wanted if k not in stored]
    corrected = [wanted[k] for k in wanted if k in stored and stored[k] != wanted[k]]
    if removed:
        SchoolClass.objects.filter(pk__in=[rows_stored[k].pk for k in removed]).delete()
    # One UPDATE per new class size, not per class (and not Django's bulk_update, whose
    # CASE per row costs more to build than to run); no signals: see below.
    by_size: dict[int, list[int]] = {}
    for row in corrected:
        by_size.setdefault(row.pupils, []).append(rows_stored[row.key].pk)
    for pupils, pks in by_size.items():
        SchoolClass.objects.filter(pk__in=pks).update(pupils=pupils)
    SchoolClass.objects.bulk_create(
        [
            SchoolClass(
                school=school,
                school_year=school_year,
                grade=r.grade,
                number=r.number,
                pupils=r.pupils,
            )
            for r in added
        ]
    )
    changes_record(
        actor=actor_of(user),
        subject=census_subject(school=school, school_year=school_year),
        changes=[Change(k, stored[k].pupils if k in stored else None, None) for k in removed]
        + [
            Change(r.key, stored[r.key].pupils if r.key in stored else None, r.pupils)
            for r in added + corrected
        ],
        note=note,
    )
    # Bulk writes send no signals: mark the school for the figures by hand.
    figures_changed([school.pk], provider="construction")
    return CensusWrite(
        changed=True,
        revision=census_revision(wanted.values()),
        added=len(added),
        removed=len(removed),
        corrected=len(corrected),
    )


def census_history(*, school: OrgUnit, limit: int = 100) -> list[dict[str, Any]]:
    """The latest changes to the school's census of every year, newest first: when, who,
    which class, pupils before and after (None: the class was added or removed)."""
    rows = []
    for event in changes_under(prefix=f"census:{school.code}:")[:limit]:
        grade, _sep, number = event.field.partition("-")
        rows.append(
            {
                "at": event.at,
                "actor": event.actor.get_username() if event.actor else "",
                "year": event.subject.rsplit(":", 1)[-1],
                "what": _("Grade %(grade)s class %(number)s") % {"grade": grade, "number": number},
                "old": event.old,
                "new": event.new,
                "note": event.note,
            }
        )
    return rows
