"""Turning hub/content/*/*.md files into news, briefings and events (pages/seeding.py).

Each file's YAML header gives the fields; its Markdown is the text. Seeded items
are published, dated by ``published_at`` (a day, taken as midnight UK time).
"""

import datetime
import zoneinfo

from .models import UK_TIME, Status


def _common(meta, body):
    published = meta["published_at"]
    if isinstance(published, datetime.datetime):
        publish_at = published
    else:
        publish_at = datetime.datetime.combine(
            published, datetime.time(), zoneinfo.ZoneInfo(UK_TIME)
        )
    return {
        "title": meta["title"],
        "summary": meta["summary"].strip(),
        "body": body,
        "status": Status.PUBLISHED,
        "publish_at": publish_at,
    }


def news(meta, body):
    return _common(meta, body)


def briefing(meta, body):
    return {**_common(meta, body), "number": meta["number"]}


def _time(value):
    if value in (None, ""):
        return None
    if isinstance(value, int):  # YAML reads 14:00 unquoted as a number of minutes
        return datetime.time(value // 60, value % 60)
    return datetime.time.fromisoformat(str(value))


def event(meta, body):
    return {
        **_common(meta, body),
        "date": meta["date"],
        "start_time": _time(meta.get("start_time")),
        "end_time": _time(meta.get("end_time")),
        "time_zone": meta.get("time_zone") or UK_TIME,
        "online": bool(meta.get("online")),
        "place": meta.get("place") or "",
        "how_to_join": (meta.get("how_to_join") or "").strip(),
        "who_for": (meta.get("who_for") or "").strip(),
    }
