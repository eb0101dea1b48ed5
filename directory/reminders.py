"""Remind editors to confirm listings nobody has checked for a while.

Meant to run once a day. A listing is due a reminder when it is not archived,
its details were last confirmed more than REMIND_AFTER_MONTHS ago, and its
editors have not been reminded about it in the last REMIND_EVERY_DAYS days.
Running it twice in a day sends nothing the second time.
"""

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from .models import CHECK_AFTER_MONTHS, REMIND_AFTER_MONTHS, Listing, months_before
from .reports import admin_url, editors_to_email, one_line

logger = logging.getLogger(__name__)

REMIND_EVERY_DAYS = 30


@dataclass
class ReminderSummary:
    """What a run sent (or, in a dry run, would send), and what it left out."""

    dry_run: bool = False
    sent: int = 0
    reminded: list = field(default_factory=list)  # (listing, [email addresses])
    recently_reminded: list = field(default_factory=list)
    no_editors: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    def __str__(self):
        def listings(count):
            return f"{count} listing{'' if count == 1 else 's'}"

        verb = "Would send" if self.dry_run else "Sent"
        lines = [
            f"{verb} {self.sent} reminder{'' if self.sent == 1 else 's'} "
            f"about {listings(len(self.reminded))}."
        ]
        if self.recently_reminded:
            lines.append(
                f"Skipped {listings(len(self.recently_reminded))} "
                f"reminded in the last {REMIND_EVERY_DAYS} days."
            )
        if self.no_editors:
            names = ", ".join(listing.name for listing in self.no_editors)
            verb = "has" if len(self.no_editors) == 1 else "have"
            lines.append(f"{listings(len(self.no_editors))} {verb} no editors: {names}.")
        if self.failed:
            names = ", ".join(listing.name for listing in self.failed)
            lines.append(f"Could not send about {listings(len(self.failed))}: {names}.")
        return " ".join(lines)


def due_listings(today):
    """Return the listings, not archived, whose details were last confirmed
    more than REMIND_AFTER_MONTHS before ``today``."""
    return (
        Listing.objects.exclude(status=Listing.Status.ARCHIVED)
        .not_checked_since(months_before(today, REMIND_AFTER_MONTHS))
        .select_related("organisation")
        .order_by("name", "pk")
    )


def recently_reminded(today):
    """Return a filter for listings reminded fewer than REMIND_EVERY_DAYS days
    before ``today``. Whole days, so a cron job that starts a few seconds
    earlier one morning still sends on the thirtieth day."""
    since = today - timedelta(days=REMIND_EVERY_DAYS - 1)
    start = timezone.make_aware(datetime.combine(since, time.min))
    return Q(reminder_sent_at__gte=start)


def send_check_reminders(*, today=None, dry_run=False):
    """Email the editors of every listing due a reminder; return a ReminderSummary.

    A listing's reminder time is recorded only once an email about it was
    sent, with ``update()``: it is bookkeeping, not a change to the listing,
    so it must not appear in the listing's history.
    """
    today = today or timezone.localdate()
    summary = ReminderSummary(dry_run=dry_run)
    due = due_listings(today)
    summary.recently_reminded = list(due.filter(recently_reminded(today)))
    connection = None if dry_run else get_connection()
    for listing in due.exclude(recently_reminded(today)):
        editors = editors_to_email(listing)
        if not editors:
            summary.no_editors.append(listing)
            continue
        addresses = [editor.email for editor in editors]
        if dry_run:
            sent = len(addresses)
        else:
            sent = _send(connection, listing, addresses)
            if not sent:
                summary.failed.append(listing)
                continue
            Listing.objects.filter(pk=listing.pk).update(reminder_sent_at=timezone.now())
        summary.sent += sent
        summary.reminded.append((listing, addresses))
    return summary


def _send(connection, listing, addresses):
    """Send one reminder about ``listing`` to each address; return how many went."""
    context = {
        "listing": listing,
        "listing_url": admin_url("admin:directory_listing_change", listing.pk),
        "confirm_url": admin_url("admin:directory_listing_confirm_checked", listing.pk),
        "check_after_months": CHECK_AFTER_MONTHS,
    }
    subject = one_line(render_to_string("directory/emails/reminder_subject.txt", context))
    body = render_to_string("directory/emails/reminder_body.txt", context)
    messages = [EmailMessage(subject=subject, body=body, to=[address]) for address in addresses]
    try:
        return connection.send_messages(messages) or 0
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send the check reminder about listing %s", listing.pk)
        return 0
