"""Visitors' reports of problems with a listing: rate limits, storing, emailing
the listing's editors, and closing them again.

The rate limits count in Django's default cache. Each client address and each
listing keeps a list of the times of its recent reports (a sliding hour), so a
burst at the turn of an hour cannot double the limit. The client address is
kept in the cache only as a keyed hash: the cache must not become a log of
visitors' addresses.

Behind a load balancer every request comes from the balancer's address, so one
busy visitor would use up everyone's allowance: with ``DJANGO_TRUSTED_PROXIES``
set, the address is read from X-Forwarded-For instead (see ``client_address``).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from outbox.sending import queue

from .models import ProblemReport

REPORTS_PER_ADDRESS_PER_HOUR = 5
REPORTS_PER_LISTING_PER_HOUR = 20
RATE_WINDOW_SECONDS = 60 * 60


# --- Rate limits ----------------------------------------------------------------


def client_address(request):
    """Return the visitor's address, looking through our own proxies.

    Each of the ``settings.TRUSTED_PROXIES`` proxies in front of the site appends the
    address it was reached from to X-Forwarded-For, so the entry that many places
    from the right was written by our outermost proxy. Entries to its left come from
    the visitor and could say anything, so they are never used. (Written here rather
    than with django-ipware: by default that trusts the left-most, forgeable entry.)
    """
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _address_key(address):
    digest = salted_hmac("directory.reports.rate", address or "unknown").hexdigest()
    return f"problem-reports:address:{digest}"


def _listing_key(listing):
    return f"problem-reports:listing:{listing.pk}"


def _recent(key, now):
    return [moment for moment in cache.get(key, []) if moment > now - RATE_WINDOW_SECONDS]


def _limits(*, listing, address):
    return [
        (_address_key(address), REPORTS_PER_ADDRESS_PER_HOUR),
        (_listing_key(listing), REPORTS_PER_LISTING_PER_HOUR),
    ]


def too_many_reports(*, listing, address):
    """Return whether another report from ``address`` about ``listing`` would
    go over either hourly limit."""
    now = time.time()
    return any(
        len(_recent(key, now)) >= limit for key, limit in _limits(listing=listing, address=address)
    )


def count_report(*, listing, address):
    """Count one report against the client address's and the listing's limits."""
    now = time.time()
    for key, _limit in _limits(listing=listing, address=address):
        cache.set(key, [*_recent(key, now), now], timeout=RATE_WINDOW_SECONDS)


# --- Reporting -------------------------------------------------------------------


def editors_to_email(listing):
    """Return the active editors of ``listing``'s organisation who have an email
    address: the only people a message about the listing may go to."""
    return list(
        listing.organisation.editors.filter(is_active=True)
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )


def admin_url(name, *args):
    return f"{settings.SITE_URL}{reverse(name, args=args)}"


def one_line(text):
    """Return ``text`` with any line breaks folded, safe for an email subject."""
    return " ".join(str(text).split())


def report_submit(*, listing, message, email=""):
    """Store a visitor's report about ``listing`` and email the listing's
    editors; return the report.

    The emails are stored in the outbox in the same transaction as the report and
    sent right after it commits. If the mail server is down or hung they wait there
    and are sent again later: the visitor is never told, the report is already
    stored, and forum staff see every report in the admin.
    """
    with transaction.atomic():
        report = ProblemReport.objects.create(listing=listing, message=message, email=email)
        recipients = editors_to_email(listing)
        if recipients:
            queue(*_report_emails(listing, report, recipients))
    return report


def _report_emails(listing, report, recipients):
    context = {
        "listing": listing,
        "report": report,
        "report_url": admin_url("admin:directory_problemreport_change", report.pk),
        "listing_url": admin_url("admin:directory_listing_change", listing.pk),
        "confirm_url": admin_url("admin:directory_listing_confirm_checked", listing.pk),
        "public_url": f"{settings.SITE_URL}{listing.get_absolute_url()}",
    }
    subject = one_line(render_to_string("directory/emails/report_subject.txt", context))
    body = render_to_string("directory/emails/report_body.txt", context)
    return [
        EmailMessage(
            subject=subject,
            body=body,
            to=[editor.email],
            reply_to=[report.email] if report.email else None,
        )
        for editor in recipients
    ]


# --- Closing and reopening -------------------------------------------------------------


def reports_close(*, reports, by):
    """Close the open ``reports``, recording who closed them; return how many."""
    return reports.filter(status=ProblemReport.Status.OPEN).update(
        status=ProblemReport.Status.CLOSED, closed_at=timezone.now(), closed_by=by
    )


def report_record_status(*, report, by):
    """Record who closed ``report`` and when, or clear both if it was reopened;
    the caller saves it."""
    if report.status == ProblemReport.Status.CLOSED:
        report.closed_at, report.closed_by = timezone.now(), by
    else:
        report.closed_at, report.closed_by = None, None
    return report


def reports_reopen(*, reports):
    """Reopen the closed ``reports``; return how many."""
    return reports.filter(status=ProblemReport.Status.CLOSED).update(
        status=ProblemReport.Status.OPEN, closed_at=None, closed_by=None
    )


# Closed reports are kept this long, as the privacy notice promises, then deleted.
KEEP_CLOSED_REPORTS_DAYS = 365


def reports_delete_old(*, now=None):
    """Delete reports closed more than a year ago; return how many went."""
    cutoff = (now or timezone.now()) - timezone.timedelta(days=KEEP_CLOSED_REPORTS_DAYS)
    deleted, _ = ProblemReport.objects.filter(
        status=ProblemReport.Status.CLOSED, closed_at__lt=cutoff
    ).delete()
    return deleted
