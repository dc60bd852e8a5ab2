"""Writes of what the bureau discloses: fee items and private-school directory entries."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eduplan.core.errors import InputError
from eduplan.org.models import OrgUnit, Ownership
from eduplan.public.models import DirectoryEntry, FeeItem, fee_complaint_hotline

AMOUNT_MAX = Decimal("99999999.99")

ERR_NOT_SCHOOL = _("%(unit)s is not a school.")
ERR_NOT_PRIVATE = _("%(unit)s is not a private school; only private schools are listed.")
ERR_AMOUNT = _("The standard must be an amount from 0 to %(max)s.")
ERR_REQUIRED = _("This is required.")
ERR_LICENCE_TAKEN = _("Licence number %(number)s belongs to another school.")


def _required(value: str, where: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InputError(str(ERR_REQUIRED), where=where)
    return value


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InputError(str(ERR_AMOUNT % {"max": AMOUNT_MAX}), where="amount") from None
    if isinstance(value, bool) or not amount.is_finite() or not 0 <= amount <= AMOUNT_MAX:
        raise InputError(str(ERR_AMOUNT % {"max": AMOUNT_MAX}), where="amount")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def fee_item_save(
    *,
    school: OrgUnit,
    school_year: int,
    item: str,
    amount: Decimal | str | int,
    unit: str,
    approving_body: str,
    document_number: str,
    scope: str,
    waivers: str = "",
    hotline: str = "",
    published: bool = False,
) -> FeeItem:
    """Create or change a school's fee item for a school year (one per item name), with
    the legal basis every disclosed fee needs; the hotline defaults to the setting."""
    if not school.is_school:
        raise InputError(str(ERR_NOT_SCHOOL % {"unit": school.name}), where="school")
    fields = {
        "amount": _amount(amount),
        "unit": _required(unit, "unit"),
        "approving_body": _required(approving_body, "approving_body"),
        "document_number": _required(document_number, "document_number"),
        "scope": _required(scope, "scope"),
        "waivers": (waivers or "").strip(),
        "hotline": (hotline or "").strip() or fee_complaint_hotline(),
        "published": published,
    }
    fee, _created = FeeItem.objects.update_or_create(
        school=school,
        school_year=school_year,
        item=_required(item, "item"),
        defaults=fields,
    )
    return fee


@transaction.atomic
def directory_entry_save(
    *,
    school: OrgUnit,
    licence_number: str,
    sponsor: str,
    address: str,
    phone: str,
    levels: str,
    approved_by: str,
    published: bool = False,
) -> DirectoryEntry:
    """Create or change a private school's directory entry; refused for any other unit."""
    if not school.is_school:
        raise InputError(str(ERR_NOT_SCHOOL % {"unit": school.name}), where="school")
    if school.ownership != Ownership.PRIVATE:
        raise InputError(str(ERR_NOT_PRIVATE % {"unit": school.name}), where="school")
    licence = _required(licence_number, "licence_number")
    if DirectoryEntry.objects.filter(licence_number=licence).exclude(school=school).exists():
        raise InputError(str(ERR_LICENCE_TAKEN % {"number": licence}), where="licence_number")
    entry, _created = DirectoryEntry.objects.update_or_create(
        school=school,
        defaults={
            "licence_number": licence,
            "sponsor": _required(sponsor, "sponsor"),
            "address": _required(address, "address"),
            "phone": _required(phone, "phone"),
            "levels": _required(levels, "levels"),
            "approved_by": _required(approved_by, "approved_by"),
            "published": published,
        },
    )
    return entry
