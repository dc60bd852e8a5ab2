"""What the bureau discloses to the public. School fees (收费公示) and the directory of
private schools (民办学校名录) are ledgers (ledgers/data/fee_items.yaml and
private_schools.yaml), shown once approved; what stays here is the hotline setting."""

from __future__ import annotations

from django.conf import settings

DEFAULT_COMPLAINT_HOTLINE = "12358"  # the national price-complaint line for school fees


def fee_complaint_hotline() -> str:
    """The complaint hotline printed with every fee: the FEE_COMPLAINT_HOTLINE setting."""
    return str(getattr(settings, "FEE_COMPLAINT_HOTLINE", DEFAULT_COMPLAINT_HOTLINE))
