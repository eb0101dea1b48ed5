"""The forum's knowledge hub: news, the numbered briefing series and events.

Forum staff write them in the admin. Each is a draft until published, and a
published item appears on the site only from its publish date and time, so it
can be scheduled. Every save is kept in its history and can be reverted.
"""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pages.models import render_markdown

UK_TIME = "Europe/London"
DOCUMENT_TYPES = ["pdf", "docx", "odt"]
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


class Status(models.TextChoices):
    DRAFT = "draft", "Draft: only staff can see it"
    PUBLISHED = "published", "Published: on the site from its publish date"


class HubItemQuerySet(models.QuerySet):
    def live(self, now=None):
        """What the public may see now: published, and its publish time has come."""
        return self.filter(status=Status.PUBLISHED, publish_at__lte=now or timezone.now())

    def scheduled(self, now=None):
        """Published, but waiting for its publish time."""
        return self.filter(status=Status.PUBLISHED, publish_at__gt=now or timezone.now())


class HubItem(models.Model):
    title = models.CharField(max_length=150)
    slug = models.SlugField(
        "web address", max_length=150, unique=True, help_text="The last part of its web address."
    )
    summary = models.CharField(
        max_length=500, help_text="One or two sentences, shown in lists, feeds and search results."
    )
    body = models.TextField(
        "text",
        help_text=(
            "Write in plain English. Markdown formatting works: ## for a heading, "
            "- for a bullet list, [words](https://example.org) for a link."
        ),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish from",
        default=timezone.now,
        help_text=(
            "UK time. A published item appears on the site from then: set a later time to "
            "schedule it. Shown to readers as its date."
        ),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # The content file it was first made from (pages/seeding.py); blank if staff wrote it.
    seed_key = models.CharField(max_length=150, blank=True, default="", editable=False)

    objects = HubItemQuerySet.as_manager()

    # What a revert brings back (pages/reverting.py); never whether it is published.
    revert_fields = ["title", "slug", "summary", "body"]

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def body_html(self):
        return render_markdown(self.body)

    def is_live(self, now=None):
        return self.status == Status.PUBLISHED and self.publish_at <= (now or timezone.now())

    def publication_note(self):
        if self.status == Status.DRAFT:
            state = "it is a draft"
        elif self.is_live():
            state = "it is on the site"
        else:
            state = f"it is scheduled for {timezone.localtime(self.publish_at):%d %b %Y %H:%M}"
        return f"Whether it is published, and from when ({state}), stays as it is."


def _history():
    return HistoricalRecords(excluded_fields=["created", "updated", "seed_key"], inherit=False)


class NewsItem(HubItem):
    history = _history()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = "news item"
        constraints = [
            models.UniqueConstraint(
                fields=["seed_key"], condition=~models.Q(seed_key=""), name="news_seed_key_unique"
            )
        ]

    def get_absolute_url(self):
        return reverse("hub:news-detail", kwargs={"slug": self.slug})


# How each kind of document begins: a PDF with "%PDF-", Word and OpenDocument
# files are zip archives. A file whose name says one thing and whose bytes another
# is refused, so nothing else is handed out under a document's name.
DOCUMENT_SIGNATURES = {"pdf": b"%PDF-", "docx": b"PK\x03\x04", "odt": b"PK\x03\x04"}


def _new_upload(file):
    # Only a file being uploaded now is checked: one already stored passed then.
    return not getattr(file, "_committed", True)


def validate_document_content(file):
    if not _new_upload(file):
        return
    extension = file.name.rsplit(".", 1)[-1].lower()
    signature = DOCUMENT_SIGNATURES.get(extension)
    file.seek(0)
    start = file.read(len(signature or b""))
    file.seek(0)
    if signature and start != signature:
        raise ValidationError(
            f"This file is named .{extension} but is not a {extension.upper()} file inside. "
            "Save it again from the program that made it, as PDF, Word or OpenDocument."
        )


def validate_document_size(file):
    if _new_upload(file) and file.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            f"The document is {file.size / 1024 / 1024:.1f} MB: it can be at most "
            f"{DOCUMENT_MAX_BYTES // 1024 // 1024} MB. Save it smaller (for example as a PDF "
            "with compressed pictures) and try again."
        )


class Briefing(HubItem):
    """One numbered issue of the EMRJ Briefing Series."""

    number = models.PositiveSmallIntegerField("issue number", unique=True)
    document = models.FileField(
        blank=True,
        upload_to="briefings/",
        max_length=200,
        validators=[
            FileExtensionValidator(
                DOCUMENT_TYPES, "Attach a PDF, Word (.docx) or OpenDocument (.odt) file."
            ),
            validate_document_size,
            validate_document_content,
        ],
        help_text="Optional: the briefing as a PDF, Word or OpenDocument file, at most 10 MB.",
    )
    history = _history()
    revert_fields = ["number", "title", "slug", "summary", "body", "document"]

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["seed_key"],
                condition=~models.Q(seed_key=""),
                name="briefing_seed_key_unique",
            )
        ]

    def __str__(self):
        return f"Issue {self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("hub:briefing-detail", kwargs={"slug": self.slug})

    def document_url(self):
        if not self.document:
            return ""
        return reverse("hub:briefing-document", kwargs={"slug": self.slug})

    def document_size(self):
        """The attached document's size in bytes, or None if there is none or its file is
        missing (a database restored without its media folder): no link is shown then."""
        if not self.document:
            return None
        try:
            return self.document.size
        except OSError:
            return None

    def document_kind(self):
        return {"pdf": "PDF", "docx": "Word document", "odt": "OpenDocument"}.get(
            self.document.name.rsplit(".", 1)[-1].lower(), "document"
        )


def validate_time_zone(name):
    if name not in zoneinfo.available_timezones():
        raise ValidationError(
            f"“{name}” is not a time zone this site knows. Use a name such as Europe/London."
        )


class EventQuerySet(HubItemQuerySet):
    def upcoming(self, now=None):
        now = now or timezone.now()
        return self.live(now).filter(ends_at__gt=now).order_by("starts_at", "pk")

    def past(self, now=None):
        now = now or timezone.now()
        return self.live(now).filter(ends_at__lte=now).order_by("-starts_at", "-pk")


class Event(HubItem):
    """A forum meeting, training session or other event."""

    date = models.DateField(help_text="The day it happens.")
    start_time = models.TimeField(
        null=True, blank=True, help_text="Leave blank if the time is not yet known."
    )
    end_time = models.TimeField(null=True, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default=UK_TIME,
        validators=[validate_time_zone],
        help_text="Europe/London for UK time, which changes with the clocks.",
    )
    online = models.BooleanField("online", default=False, help_text="Tick if people join online.")
    place = models.CharField(
        max_length=200, blank=True, help_text="Where it is, if people can come in person."
    )
    how_to_join = models.TextField(
        "how to join",
        blank=True,
        help_text="How to book a place or join, in plain words. Only give public contact details.",
    )
    who_for = models.CharField("who it is for", max_length=200, blank=True)
    # Worked out from the date, times and time zone on every save, so the database can
    # sort events and tell upcoming from past.
    starts_at = models.DateTimeField(editable=False)
    ends_at = models.DateTimeField(editable=False)

    objects = EventQuerySet.as_manager()
    history = _history()
    revert_fields = [
        "title", "slug", "summary", "body", "date", "start_time", "end_time", "time_zone",
        "online", "place", "how_to_join", "who_for",
    ]  # fmt: skip

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["seed_key"], condition=~models.Q(seed_key=""), name="event_seed_key_unique"
            )
        ]

    def save(self, *args, **kwargs):
        self.starts_at, self.ends_at = self.period()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("hub:event-detail", kwargs={"slug": self.slug})

    def calendar_url(self):
        return reverse("hub:event-calendar", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.end_time and not self.start_time:
            errors["start_time"] = "Give the start time too, or leave both times blank."
        elif self.end_time and self.start_time and self.end_time <= self.start_time:
            errors["end_time"] = "The end time must be after the start time."
        if errors:
            raise ValidationError(errors)

    def zone(self):
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(UK_TIME)

    def period(self):
        """Return (start, end) as aware datetimes. Without times it is the whole day;
        with only a start time it lasts until the day ends."""
        zone = self.zone()
        day_start = datetime.datetime.combine(self.date, datetime.time(), zone)
        next_day = datetime.datetime.combine(
            self.date + datetime.timedelta(days=1), datetime.time(), zone
        )
        start = (
            datetime.datetime.combine(self.date, self.start_time, zone)
            if self.start_time
            else day_start
        )
        end = (
            datetime.datetime.combine(self.date, self.end_time, zone) if self.end_time else next_day
        )
        return start, end

    def is_past(self, now=None):
        return self.ends_at <= (now or timezone.now())

    def is_all_day(self):
        return self.start_time is None

    def day_text(self):
        """The day in GOV.UK style: Tuesday 20 April 2021."""
        return f"{self.date:%A} {self.date.day} {self.date:%B %Y}"

    def time_text(self):
        """The times in GOV.UK style, in the event's own time zone: 2pm to 3:30pm (UK time)."""
        if self.start_time is None:
            return "Time to be confirmed"
        text = _clock(self.start_time)
        text = f"{text} to {_clock(self.end_time)}" if self.end_time else f"From {text}"
        return f"{text} ({self.zone_label()})"

    def where_text(self):
        parts = [self.place.strip(), "online" if self.online else ""]
        text = " and ".join(part for part in parts if part)
        return (text[0].upper() + text[1:]) if text else "To be confirmed"

    def zone_label(self):
        return "UK time" if self.time_zone == UK_TIME else self.time_zone.replace("_", " ")


def _clock(time):
    if time.minute == 0 and time.hour == 12:
        return "midday"
    if time.minute == 0 and time.hour == 0:
        return "midnight"
    hour = time.hour % 12 or 12
    minutes = f":{time.minute:02d}" if time.minute else ""
    return f"{hour}{minutes}{'am' if time.hour < 12 else 'pm'}"


def next_change(now=None):
    """When the public knowledge hub next changes by the clock alone: a scheduled
    item's publish time, or the end of an upcoming event (it becomes past). None if
    nothing is due. The page cache keeps pages no longer (sitecache/schedule.py)."""
    now = now or timezone.now()
    due = [
        model.objects.scheduled(now).aggregate(due=models.Min("publish_at"))["due"]
        for model in (NewsItem, Briefing, Event)
    ]
    due.append(Event.objects.upcoming(now).aggregate(due=models.Min("ends_at"))["due"])
    return min((moment for moment in due if moment is not None), default=None)
