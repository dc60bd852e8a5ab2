"""What the bureau discloses to the public: school fees (收费公示) and the directory of
private schools (民办学校名录). A row is shown only once it is marked published."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eduplan.org.models import OrgUnit, Ownership

DEFAULT_COMPLAINT_HOTLINE = "12358"  # the national price-complaint line for school fees


def fee_complaint_hotline() -> str:
    """The complaint hotline printed with every fee: the FEE_COMPLAINT_HOTLINE setting."""
    return str(getattr(settings, "FEE_COMPLAINT_HOTLINE", DEFAULT_COMPLAINT_HOTLINE))


class FeeItem(models.Model):
    """One charge of one school in one school year, with everything a disclosure must show:
    item, standard and unit, legal basis (approving body and document number), scope,
    complaint hotline and the waivers for poor pupils."""

    school = models.ForeignKey(
        OrgUnit, verbose_name=_("school"), on_delete=models.PROTECT, related_name="fee_items"
    )
    school_year = models.PositiveSmallIntegerField(
        _("school year"), help_text=_("The calendar year the school year starts in")
    )
    item = models.CharField(_("fee item"), max_length=100)
    amount = models.DecimalField(_("standard"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("billing unit"), max_length=30, help_text=_("e.g. 元/生·学期"))
    approving_body = models.CharField(_("approving body"), max_length=100)
    document_number = models.CharField(_("document number"), max_length=100)
    scope = models.CharField(_("scope of charge"), max_length=200)
    hotline = models.CharField(_("complaint hotline"), max_length=30, default=fee_complaint_hotline)
    waivers = models.TextField(_("waivers for pupils from poor families"), blank=True)
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        ordering = ["school", "school_year", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "item"], name="fee_item_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fee_item_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(approving_body="") & ~Q(document_number=""),
                name="fee_item_has_legal_basis",
            ),
        ]
        indexes = [
            models.Index(fields=["school_year", "published"], name="fee_item_year_published")
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year} {self.item}"

    @property
    def legal_basis(self) -> str:
        return f"{self.approving_body} {self.document_number}"


class DirectoryEntry(models.Model):
    """A private school's entry in the public directory (only private schools have one)."""

    school = models.OneToOneField(
        OrgUnit,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="directory_entry",
    )
    licence_number = models.CharField(_("licence number"), max_length=50, unique=True)
    sponsor = models.CharField(_("sponsor"), max_length=200)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30)
    levels = models.CharField(
        _("levels"), max_length=100, help_text=_("The stages taught, e.g. 小学、初中")
    )
    approved_by = models.CharField(_("approved by"), max_length=100)
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        ordering = ["school"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(licence_number=""), name="directory_entry_has_licence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.licence_number}"

    def clean(self) -> None:
        # The same rule directory_entry_save enforces, for the admin's form.
        school = self.school if self.school_id else None
        if school is not None and school.ownership != Ownership.PRIVATE:
            raise ValidationError({"school": _("Only private schools are listed.")})
