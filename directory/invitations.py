"""Inviting provider editors and removing them.

Staff never handle passwords: an invitation creates (or reuses) the account,
attaches it to the organisation and emails a link, made by Django's
password-reset machinery, with which the person chooses their own password.
The link works once and expires after ``PASSWORD_RESET_TIMEOUT``.

The email is stored in the outbox with the account and sent right after they are
saved; if the mail server is down it is sent again automatically.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from outbox.sending import queue

from .roles import FORUM_STAFF, PROVIDER_EDITORS

User = get_user_model()


def normalise_email(email):
    """Return ``email`` stripped, with its domain lower-cased, or raise ValidationError."""
    email = BaseUserManager.normalize_email((email or "").strip())
    if not email:
        raise ValidationError("Enter the email address of the person to invite.")
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            f"“{email}” is not a valid email address. Check it and try again."
        ) from None
    # The address becomes the username, which has a shorter limit than an email.
    max_length = User._meta.get_field(User.USERNAME_FIELD).max_length
    if len(email) > max_length:
        raise ValidationError(f"Email addresses longer than {max_length} characters can't be used.")
    return email


def _find_user(email):
    """Return the one account that uses ``email``, None if there is none."""
    matches = list(
        User.objects.filter(
            Q(email__iexact=email) | Q(**{f"{User.USERNAME_FIELD}__iexact": email})
        ).order_by("pk")
    )
    if len(matches) > 1:
        raise ValidationError(
            f"More than one account uses “{email}”. Ask an administrator to merge or "
            "correct them in Users before inviting this person."
        )
    if not matches:
        return None
    user = matches[0]
    # A username equal to the address but a different email on record would let
    # this invitation hand someone else's account to whoever reads the email.
    if user.email and user.email.lower() != email.lower():
        raise ValidationError(
            f"The account named “{email}” has a different email address on record "
            f"({user.email}). Correct it in Users first, or invite that address instead."
        )
    return user


def _forget_cached_roles(user):
    for attribute in ("_is_forum_staff", "_editable_organisation_ids"):
        user.__dict__.pop(attribute, None)


def invitation_link(user):
    """Return the one-time link with which ``user`` chooses a password."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    return f"{settings.SITE_URL}{path}"


def invite_editor(*, organisation, email, invited_by=None):
    """Make the person at ``email`` an editor of ``organisation`` and email them a link
    to choose their password; return their account.

    An existing account (found by email or username, ignoring case) is reused,
    and switched back on if it had been switched off. Forum staff and
    superusers keep everything they already had.

    The returned account's ``invitation_email`` is the email in the outbox: called
    outside a transaction, its ``sent`` says whether it went straight away (if not,
    it is saved and sent again automatically).
    """
    email = normalise_email(email)
    with transaction.atomic():
        user = _find_user(email)
        if user is None:
            user = User(username=email, email=email, is_staff=True, is_active=True)
            user.set_unusable_password()
            user.save()
        else:
            if not user.email:
                user.email = email
            user.is_staff = True
            user.is_active = True
            user.save()
        user.groups.add(Group.objects.get(name=PROVIDER_EDITORS))
        organisation.editors.add(user)
        _forget_cached_roles(user)
        [user.invitation_email] = queue(_invitation_email(user, organisation, invited_by))
    return user


def _invitation_email(user, organisation, invited_by):
    context = {
        "user": user,
        "organisation": organisation,
        "inviter": _describe(invited_by),
        "link": invitation_link(user),
        "has_password": user.has_usable_password(),
        "expiry_days": round(settings.PASSWORD_RESET_TIMEOUT / (24 * 60 * 60)),
        "sign_in_url": f"{settings.SITE_URL}{reverse('admin:index')}",
    }
    subject = render_to_string("directory/emails/invitation_subject.txt", context)
    body = render_to_string("directory/emails/invitation_body.txt", context)
    # The account's own address: the same as ``email`` ignoring case (see _find_user).
    return EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _describe(user):
    if user is None:
        return ""
    name = user.get_full_name().strip()
    if name and user.email:
        return f"{name} ({user.email})"
    return name or user.email or user.get_username()


def remove_editor(*, organisation, user):
    """Stop ``user`` editing ``organisation``; return whether their account was switched off.

    Someone who then edits no organisation, and is not forum staff, can no
    longer sign in. The account is kept, never deleted, so the history still
    shows who made each change.
    """
    with transaction.atomic():
        switch_off = user.is_active and not keeps_access_without(user, organisation)
        organisation.editors.remove(user)
        _forget_cached_roles(user)
        if switch_off:
            user.is_active = False
            user.save(update_fields=["is_active"])
    return switch_off


def keeps_access_without(user, organisation):
    """Return whether ``user`` still has a reason to sign in once they stop editing
    ``organisation``: another organisation to edit, or the forum staff role."""
    if user.is_superuser or user.groups.filter(name=FORUM_STAFF).exists():
        return True
    return user.edited_organisations.exclude(pk=organisation.pk).exists()
