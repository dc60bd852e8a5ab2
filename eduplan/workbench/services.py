"""Writes for the 工作台: the user's choice of how to be told of new work."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy

from eduplan.core.errors import InputError
from eduplan.core.models import NoticeChoice
from eduplan.org.access import SignedInUser

ERR_EMAIL = gettext_lazy("Enter a valid e-mail address, such as name@example.cn.")
ERR_EMAIL_NEEDED = gettext_lazy("Give an e-mail address to receive notices by e-mail.")


def notice_choice_of(*, user: SignedInUser) -> bool:
    """Whether the user's notices also go by e-mail (yes unless they said no)."""
    choice = NoticeChoice.objects.filter(user=user).first()
    return choice.by_email if choice else True


@transaction.atomic
def notice_choice_save(*, user: SignedInUser, email: str, by_email: bool) -> None:
    """Store the user's address and whether notices also go to it by e-mail. A bad
    address is refused and nothing changes; saving the same again changes nothing."""
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InputError(str(ERR_EMAIL), where="email") from None
    elif by_email:
        raise InputError(str(ERR_EMAIL_NEEDED), where="email")
    if user.email != email:
        user.email = email
        user.save(update_fields=["email"])
    NoticeChoice.objects.update_or_create(user=user, defaults={"by_email": by_email})
