"""Remind editors to confirm listings nobody has checked for a while.

Meant to run once a day. A listing is due a reminder when it is not archived,
its details were last confirmed more than REMIND_AFTER_MONTHS ago, and its
editors have not been reminded about it in the last REMIND_EVERY_DAYS days.
Running it twice in a day sends nothing the second time, and two runs at the same
time (an overlapping cron job) send each reminder once: each listing is claimed
with a conditional UPDATE of its reminder time, which exactly one run can make.

The emails go through the outbox: stored with the claim in one transaction, sent
right after it commits, and sent again later if the mail server is down, so a
listing whose reminder could not go yet is not reminded twice.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from outbox.sending import queue

from .models import CHECK_AFTER_MONTHS, REMIND_AFTER_MONTHS, Listing, months_before
from .reports import admin_url, editors_to_email, one_line

REMIND_EVERY_DAYS = 30


@dataclass
class ReminderSummary:
    """What a run sent (or, in a dry run, would send), and what it left out."""

    dry_run: bool = False
    would_send: int = 0
    reminded: list = field(default_factory=list)  # (listing, [email addresses])
    recently_reminded: list = field(default_factory=list)
    no_editors: list = field(default_factory=list)
    emails: dict = field(default_factory=dict)  # listing pk -> its QueuedEmail rows

    @property
    def sent(self):
        """How many reminders went (or, in a dry run, would go)."""
        if self.dry_run:
            return self.would_send
        return sum(1 for rows in self.emails.values() for row in rows if not row.failed)

    @property
    def failed(self):
        """The listings with a reminder that could not be sent yet and waits in the outbox."""
        return [
            listing
            for listing, _addresses in self.reminded
            if any(row.failed for row in self.emails.get(listing.pk, []))
        ]

    def __str__(self):
        def listings(count):
            return f"{count} listing{'' if count == 1 else 's'}"

        verb = "Would send" if self.dry_run else "Sent"
        failed = self.failed
        lines = [
            f"{verb} {self.sent} reminder{'' if self.sent == 1 else 's'} "
            f"about {listings(len(self.reminded) - len(failed))}."
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
        if failed:
            names = ", ".join(listing.name for listing in failed)
            lines.append(
                f"Could not send yet about {listings(len(failed))}: {names}. "
                "The emails wait in the outbox and are sent again automatically."
            )
        return " ".join(lines)


def due_listings(today):
    """Return the listings, not archived and not of an archived organisation, whose
    details were last confirmed more than REMIND_AFTER_MONTHS before ``today``."""
    return (
        Listing.objects.exclude(status=Listing.Status.ARCHIVED)
        .filter(organisation__archived_at__isnull=True)
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

    A listing's reminder time is recorded with ``update()``: it is bookkeeping,
    not a change to the listing, so it must not appear in the listing's history.
    """
    today = today or timezone.localdate()
    summary = ReminderSummary(dry_run=dry_run)
    due = due_listings(today)
    summary.recently_reminded = list(due.filter(recently_reminded(today)))
    for listing in due.exclude(recently_reminded(today)):
        editors = editors_to_email(listing)
        if not editors:
            summary.no_editors.append(listing)
            continue
        addresses = [editor.email for editor in editors]
        if dry_run:
            summary.would_send += len(addresses)
        else:
            with transaction.atomic():
                if not _claim(listing):
                    # Another run reminded its editors since we looked.
                    summary.recently_reminded.append(listing)
                    continue
                summary.emails[listing.pk] = queue(*_reminders(listing, addresses))
        summary.reminded.append((listing, addresses))
    return summary


def _claim(listing):
    """Record the reminder time of ``listing`` unless another run changed it since it
    was read; return whether this run did. The UPDATE waits for, then sees, any
    other run's claim, so exactly one run gets 1 back."""
    claimed = Listing.objects.filter(
        pk=listing.pk, reminder_sent_at=listing.reminder_sent_at
    ).update(reminder_sent_at=timezone.now())
    return claimed == 1


def _reminders(listing, addresses):
    """Return one reminder about ``listing`` for each address."""
    context = {
        "listing": listing,
        "listing_url": admin_url("admin:directory_listing_change", listing.pk),
        "confirm_url": admin_url("admin:directory_listing_confirm_checked", listing.pk),
        "check_after_months": CHECK_AFTER_MONTHS,
    }
    subject = one_line(render_to_string("directory/emails/reminder_subject.txt", context))
    body = render_to_string("directory/emails/reminder_body.txt", context)
    return [EmailMessage(subject=subject, body=body, to=[address]) for address in addresses]
