"""Where a listing's facts came from, and when.

Kept with the listing as a short JSON list (so history and revert carry it), each
entry a kind of source, a title, an optional link and the date of the source.
Staff see every entry in the admin; the public page summarises them as
"Information from the service and a forum briefing".
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

MAX_SOURCES = 10

KINDS = {
    "service": "The service's own web page or leaflet",
    "provider": "An edit by the service in this directory",
    "survey": "The forum's survey of services",
    "document": "A published report, briefing or article",
    "staff": "Forum staff, from the service",
}
# How the public summary names each kind.
PUBLIC = {
    "service": "the service",
    "provider": "the service",
    "survey": "the forum's survey of services",
    "document": "published reports and articles",
    "staff": "the forum, from the service",
}


@dataclass(frozen=True)
class Source:
    kind: str
    title: str = ""
    url: str = ""
    date: str = ""  # ISO date of the source

    @classmethod
    def from_dict(cls, data):
        return cls(
            kind=str(data.get("kind", "")),
            title=str(data.get("title", "")).strip(),
            url=str(data.get("url", "")).strip(),
            date=str(data.get("date", "")).strip(),
        )

    def to_dict(self):
        data = {"kind": self.kind, "title": self.title, "url": self.url, "date": self.date}
        return {key: value for key, value in data.items() if value or key == "kind"}

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    @property
    def day(self):
        try:
            return date.fromisoformat(self.date)
        except ValueError:
            return None

    def problems(self):
        found = {}
        if self.kind not in KINDS:
            found["kind"] = "Choose where the information came from."
        if len(self.title) > 200:
            found["title"] = "Keep the title to 200 characters or fewer."
        elif "|" in self.title or "\n" in self.title:
            found["title"] = "Write the title on one line, without the “|” character."
        if self.url:
            try:
                URLValidator(schemes=["https", "http"])(self.url)
            except ValidationError:
                found["url"] = "Enter a full web address starting https://"
        if not self.date:
            found["date"] = "Enter the date of the source, for example 2021-03-31."
        elif self.day is None:
            found["date"] = "Enter a real date as year-month-day, for example 2021-03-31."
        elif self.day > date.today():
            found["date"] = "The date of a source cannot be in the future."
        return found


def sources(data):
    return [Source.from_dict(item) for item in data or [] if isinstance(item, dict)]


def validate_sources(data):
    if not isinstance(data, list):
        raise ValidationError("Sources must be a list.")
    if len(data) > MAX_SOURCES:
        raise ValidationError(f"Give at most {MAX_SOURCES} sources.")
    messages = [
        f"Source {number}: {message}"
        for number, source in enumerate(sources(data), start=1)
        for message in source.problems().values()
    ]
    if len(sources(data)) != len(data):
        messages.append("Each source must say where the information came from.")
    if messages:
        raise ValidationError(messages)


def public_summary(data):
    """Name the kinds of source, in plain words: "the service and the forum's survey"."""
    names = []
    for source in sources(data):
        name = PUBLIC.get(source.kind)
        if name and name not in names:
            names.append(name)
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def with_provider_edit(data, *, organisation, day):
    """Record an edit by the service itself: one "provider" entry, dated ``day``."""
    kept = [source.to_dict() for source in sources(data) if source.kind != "provider"]
    entry = Source("provider", f"Edited by {organisation}", "", day.isoformat())
    return [*kept, entry.to_dict()]


# --- One line per source, for the CSV ----------------------------------------------
# kind | date | title | link


def to_text(data):
    lines = []
    for source in sources(data):
        parts = [source.kind, source.date, source.title, source.url]
        while len(parts) > 2 and not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def from_text(text):
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 4:
            raise ValidationError(
                f"Line {number}: use at most 4 parts: kind | date | title | link."
            )
        parts += [""] * (4 - len(parts))
        kind, day, title, url = parts
        if kind not in KINDS:
            raise ValidationError(
                f"Line {number}: “{kind}” is not a kind of source. Use one of: "
                + ", ".join(KINDS)
                + "."
            )
        found.append(Source(kind, title, url, day).to_dict())
    return found
