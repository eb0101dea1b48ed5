"""The Atom feed parses with a standard parser; the .ics files with icalendar."""

import datetime
import zoneinfo

import feedparser
import icalendar
import pytest
from django.utils import timezone

from hub.models import Status

from .conftest import DAY, HOUR

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def test_the_atom_feed_is_valid_and_lists_live_news_and_briefings_newest_first(
    client, make_news, make_briefing
):
    make_news(title="Old news", publish_at=timezone.now() - 3 * DAY)
    make_briefing(title="Middle briefing", number=42, publish_at=timezone.now() - 2 * DAY)
    make_news(title="New news", publish_at=timezone.now() - HOUR)
    make_news(title="Draft news", status=Status.DRAFT)

    response = client.get("/knowledge-hub/feed/")

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert titles[:3] == ["New news", "Issue 42: Middle briefing", "Old news"]
    assert "Draft news" not in titles
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)
    first = feed.entries[0]
    assert first.link.startswith("http://testserver/knowledge-hub/news/")
    assert first.summary == "Summary of news " + first.link.rstrip("/").rsplit("-", 1)[1] + "."
    assert {tag.term for entry in feed.entries for tag in entry.tags} == {
        "News",
        "Briefing Series",
    }
    assert client.get(first.link.replace("http://testserver", "")).status_code == 200


def test_the_feed_is_announced_on_the_hub_pages(client):
    page = client.get("/knowledge-hub/").content.decode()
    assert 'type="application/atom+xml"' in page and 'href="/knowledge-hub/feed/"' in page


def parse_calendar(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return icalendar.Calendar.from_ical(response.content)


def test_an_events_calendar_file_has_its_times_in_its_time_zone(client, make_event):
    # 1 April 2027 is British Summer Time: 2pm in London is 1pm UTC.
    event = make_event(
        title="Summer meeting",
        date=datetime.date(2027, 4, 1),
        start_time=datetime.time(14, 0),
        end_time=datetime.time(15, 30),
        place="Nottingham",
        online=True,
        how_to_join="Book a place through the forum.",
    )

    calendar = parse_calendar(client.get(f"/knowledge-hub/events/{event.slug}/event.ics"))

    (entry,) = calendar.walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Summer meeting"
    start, end = entry.decoded("DTSTART"), entry.decoded("DTEND")
    assert start == datetime.datetime(2027, 4, 1, 14, 0, tzinfo=LONDON)
    assert start.astimezone(datetime.UTC).hour == 13
    assert end - start == datetime.timedelta(minutes=90)
    assert entry["DTSTART"].params["TZID"] == "Europe/London"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(entry["LOCATION"]) == "Nottingham, Online"
    assert "Book a place through the forum." in str(entry["DESCRIPTION"])
    assert str(entry["URL"]).endswith(event.get_absolute_url())
    assert str(entry["UID"]) == f"event-{event.pk}@testserver"


def test_an_event_without_times_is_an_all_day_event(client, make_event):
    event = make_event(date=datetime.date(2027, 1, 12), start_time=None, end_time=None)
    calendar = parse_calendar(client.get(event.calendar_url()))
    (entry,) = calendar.walk("VEVENT")
    assert entry.decoded("DTSTART") == datetime.date(2027, 1, 12)
    assert entry.decoded("DTEND") == datetime.date(2027, 1, 13)


def test_an_event_in_another_time_zone_keeps_it(client, make_event):
    event = make_event(
        date=datetime.date(2027, 6, 3),
        start_time=datetime.time(10),
        end_time=None,
        time_zone="Europe/Brussels",
    )
    (entry,) = parse_calendar(client.get(event.calendar_url())).walk("VEVENT")
    assert entry["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert entry.decoded("DTSTART").astimezone(LONDON).hour == 9
    assert "From 10am (Europe/Brussels)" in client.get(event.get_absolute_url()).content.decode()


def test_the_upcoming_calendar_has_every_upcoming_live_event_and_nothing_else(client, make_event):
    soon = make_event(title="Soon", date=timezone.localdate() + 2 * DAY)
    later = make_event(title="Later", date=timezone.localdate() + 20 * DAY)
    make_event(title="Past", date=timezone.localdate() - 2 * DAY)
    make_event(title="Draft", status=Status.DRAFT)
    make_event(title="Scheduled", publish_at=timezone.now() + DAY)

    calendar = parse_calendar(client.get("/knowledge-hub/events/upcoming.ics"))

    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [soon.title, later.title]
    assert str(calendar["X-WR-CALNAME"]) == "East Midlands Restorative Justice Forum events"
