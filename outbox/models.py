"""An email waiting to be sent, or sent.

Why our own outbox rather than django-mailer or django-post-office: an email must be
stored in the same database transaction as the report or invitation it is about (so a
rolled-back change leaves no email, and a saved one never loses its email), and tried
straight after the commit through Django's ordinary email backend, so a visitor's email
usually goes at once and the tests read Django's locmem outbox. django-mailer (2.3.2)
only sends from a cron job or daemon, serialises one sender with a lock file on one
machine, and adds a dependency; django-post-office brings templates, attachments and
priorities we don't need. What we need is this model, ``sending.py`` and one command.

Only plain-text emails with To and Reply-To are kept: that is all the site sends.
"""

from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import models
from django.db.models import Q
from django.utils import timezone

# A failed email is tried again after 5 minutes, then 10, 20, … at most 6 hours apart;
# after MAX_ATTEMPTS tries (about a day and a half) it stops and waits for staff.
FIRST_RETRY_AFTER = timedelta(minutes=5)
LONGEST_RETRY_GAP = timedelta(hours=6)
MAX_ATTEMPTS = 12
# Sent emails are kept a week (to answer "did it go?"), unsent ones 90 days: they hold
# visitors' words, which the reports themselves already keep.
KEEP_SENT_DAYS = 7
KEEP_UNSENT_DAYS = 90
ERROR_MAX_LENGTH = 300


def retry_delay(attempts):
    """Return how long to wait after the ``attempts``-th try before the next one."""
    return min(FIRST_RETRY_AFTER * 2 ** max(attempts - 1, 0), LONGEST_RETRY_GAP)


class QueuedEmailQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at=None)

    def due(self, now):
        """Unsent emails whose next try is due and which have tries left."""
        return self.unsent().filter(attempts__lt=MAX_ATTEMPTS, next_attempt_at__lte=now)

    def given_up(self):
        return self.unsent().filter(attempts__gte=MAX_ATTEMPTS)

    def old(self, now):
        """Sent emails older than KEEP_SENT_DAYS and unsent ones older than KEEP_UNSENT_DAYS."""
        return self.filter(
            Q(sent_at__lt=now - timedelta(days=KEEP_SENT_DAYS))
            | Q(sent_at=None, created__lt=now - timedelta(days=KEEP_UNSENT_DAYS))
        )


class QueuedEmail(models.Model):
    subject = models.CharField(max_length=998)
    body = models.TextField()
    from_email = models.CharField(max_length=320)
    to = models.JSONField(default=list)
    reply_to = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # The first try is made right after the commit; send_queued_email only steps in
    # if that did not happen or failed.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=ERROR_MAX_LENGTH, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = QueuedEmailQuerySet.as_manager()

    class Meta:
        verbose_name = "unsent email"
        verbose_name_plural = "unsent emails"
        ordering = ["created", "pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(sent_at=None), name="outbox_unsent_due"
            )
        ]

    def __str__(self):
        return f"{self.subject} (to {', '.join(self.to)})"

    @property
    def sent(self):
        return self.sent_at is not None

    @property
    def failed(self):
        """Whether it was tried and has not gone (yet): not merely waiting for its first try."""
        return not self.sent and self.attempts > 0

    @property
    def gave_up(self):
        return not self.sent and self.attempts >= MAX_ATTEMPTS

    @property
    def status(self):
        """Say in plain words where this email stands."""
        if self.sent:
            return "Sent"
        if self.gave_up:
            return f"Stopped trying after {self.attempts} tries"
        if not self.attempts:
            return "Not tried yet"
        when = timezone.localtime(self.next_attempt_at)
        return f"Could not be sent yet; will try again at {when:%H:%M on %-d %B}"

    def message(self):
        """Return the EmailMessage to send."""
        return EmailMessage(
            subject=self.subject,
            body=self.body,
            from_email=self.from_email,
            to=self.to,
            reply_to=self.reply_to or None,
        )
