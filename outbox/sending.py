"""Queue emails with the change that causes them; send them after the commit, and again
later if that failed.

Every try first claims the email with a conditional UPDATE (``attempts`` must still be
what was read), so two senders, say the after-commit try and a cron run, or two cron
runs, never send one email twice: exactly one of them changes the row. On PostgreSQL
the cron run also locks the rows it picks with SKIP LOCKED, so overlapping runs share
the work instead of queueing behind each other; SQLite serialises writers anyway.

Nothing here raises to the caller: a mail server that is down or hung costs at most
EMAIL_TIMEOUT seconds, is logged as a warning and recorded on the email.
"""

import logging
import smtplib
from dataclasses import dataclass
from functools import partial

from django.core.mail import get_connection
from django.db import connection, transaction
from django.utils import timezone

from .models import ERROR_MAX_LENGTH, FIRST_RETRY_AFTER, MAX_ATTEMPTS, QueuedEmail, retry_delay

logger = logging.getLogger(__name__)

BATCH_SIZE = 50


def queue(*messages):
    """Store each EmailMessage in the outbox, in the current transaction, and try to
    send them all once it commits; return the QueuedEmail rows.

    The rows are updated in place by that try, so a caller outside a transaction can
    read ``row.sent`` straight after this returns.
    """
    emails = [_from_message(message) for message in messages]
    if not emails:
        return []
    with transaction.atomic():
        for email in emails:
            email.save()
        # robust: an error while sending (even a database error) is logged, never
        # raised to whoever committed the report.
        transaction.on_commit(partial(send_now, emails), robust=True)
    return emails


def _from_message(message):
    unsupported = message.cc or message.bcc or message.attachments or message.extra_headers
    if unsupported or getattr(message, "alternatives", None):
        raise ValueError("The outbox keeps plain-text emails with To and Reply-To only.")
    now = timezone.now()
    return QueuedEmail(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=list(message.to),
        reply_to=list(message.reply_to),
        created=now,
        # If the try after the commit never happens (the process died), cron steps in.
        next_attempt_at=now + FIRST_RETRY_AFTER,
    )


def send_now(emails):
    """Try once to send ``emails`` (rows not yet tried); return how many went."""
    try:
        return _send([email for email in emails if _claim(email, timezone.now())])
    except Exception:
        logger.exception("The outbox could not record what happened to emails %s", emails)
        return 0


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    given_up: int = 0

    def __str__(self):
        def emails(count):
            return f"{count} email{'' if count == 1 else 's'}"

        text = f"Sent {emails(self.sent)}."
        if self.failed:
            text += f" Could not send {emails(self.failed)} yet; will try again later."
        if self.given_up:
            text += (
                f" {emails(self.given_up)} stopped trying after {MAX_ATTEMPTS} tries: "
                "forum staff see them under Outbox in the admin."
            )
        return text


def send_due(*, now=None):
    """Send every unsent email whose next try is due, oldest first; return a SendSummary."""
    now = now or timezone.now()
    summary = SendSummary()
    while batch := _claim_due(now):
        sent = _send(batch)
        summary.sent += sent
        summary.failed += len(batch) - sent
    summary.given_up = QueuedEmail.objects.given_up().count()
    return summary


def _claim_due(now):
    due = QueuedEmail.objects.due(now).order_by("created", "pk")
    if not connection.features.has_select_for_update:
        # SQLite has no row locks, and a transaction that reads and then writes fails at
        # once ("database is locked") if another run wrote in between: each claim
        # commits on its own instead, the conditional UPDATE keeping it to one run.
        return [email for email in due[:BATCH_SIZE] if _claim(email, now)]
    with transaction.atomic():
        # PostgreSQL: rows another run has locked are skipped, so runs share the work.
        rows = list(due.select_for_update(skip_locked=True)[:BATCH_SIZE])
        return [email for email in rows if _claim(email, now)]


def _claim(email, now):
    """Count one more try on ``email`` if nobody else has since it was read."""
    attempts = email.attempts + 1
    changes = {
        "attempts": attempts,
        "last_attempt_at": now,
        "next_attempt_at": now + retry_delay(attempts),
    }
    claimed = (
        QueuedEmail.objects.filter(pk=email.pk, attempts=email.attempts, sent_at=None)
        .exclude(attempts__gte=MAX_ATTEMPTS)
        .update(**changes)
    )
    if claimed:
        for name, value in changes.items():
            setattr(email, name, value)
    return bool(claimed)


def _send(emails):
    """Send the claimed ``emails`` over one connection; record each outcome; return
    how many went."""
    if not emails:
        return 0
    mail_server = get_connection()
    waiting = list(emails)
    try:
        mail_server.open()
        while waiting:
            email = waiting[0]
            try:
                if not mail_server.send_messages([email.message()]):
                    raise smtplib.SMTPException("The mail server accepted nothing.")
            except Exception as error:
                if not _only_this_email(error):
                    raise
                _failed(email, error)
            else:
                _sent(email)
            waiting.pop(0)
    except Exception as error:
        # The server is unreachable, hung or hung up: every email not yet done fails
        # with it, without waiting for the timeout once per email, and the connection is
        # dropped without the polite QUIT, which a hung server would make us wait for too.
        _drop(mail_server)
        for email in waiting:
            _failed(email, error)
    finally:
        try:
            mail_server.close()
        except Exception:
            logger.warning("Could not close the connection to the mail server", exc_info=True)
    return sum(email.sent for email in emails)


def _drop(mail_server):
    """Close the SMTP backend's socket at once (other backends have none)."""
    smtp = getattr(mail_server, "connection", None)
    if smtp is not None:
        try:
            smtp.close()
        finally:
            mail_server.connection = None


def _only_this_email(error):
    """Return whether the server refused this email but is still talking to us."""
    return isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def _sent(email):
    email.sent_at, email.last_error = timezone.now(), ""
    QueuedEmail.objects.filter(pk=email.pk).update(sent_at=email.sent_at, last_error="")


def _failed(email, error):
    # The class and message of the error, one line, short: never the settings.
    email.last_error = " ".join(f"{type(error).__name__}: {error}".split())[:ERROR_MAX_LENGTH]
    QueuedEmail.objects.filter(pk=email.pk).update(last_error=email.last_error)
    logger.warning(
        "Could not send email %s (try %s of %s): %s",
        email.pk,
        email.attempts,
        MAX_ATTEMPTS,
        email.last_error,
    )


def retry_given_up():
    """Give every email that stopped trying a new set of tries; return how many."""
    return QueuedEmail.objects.given_up().update(attempts=0, next_attempt_at=timezone.now())


def delete_old(*, now=None):
    """Delete sent emails after a week and unsent ones after 90 days; return how many."""
    deleted, _ = QueuedEmail.objects.old(now or timezone.now()).delete()
    return deleted
