"""iCalendar (.ics) files: one per event, and one of every upcoming event.

Built with the ``icalendar`` package, which writes the event's time zone out in
full (VTIMEZONE), so calendar apps show the right time either side of the
clocks changing. An event without times is an all-day event.
"""

import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import Event

PRODUCT = "-//East Midlands Restorative Justice Forum//Knowledge hub//EN"


def _calendar(name):
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _entry(event, request):
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@{request.get_host()}")
    entry.add("summary", event.title)
    entry.add("dtstamp", timezone.now())
    if event.is_all_day():
        entry.add("dtstart", event.date)
        entry.add("dtend", event.date + datetime.timedelta(days=1))
    else:
        start, end = event.period()
        entry.add("dtstart", start)
        entry.add("dtend", end)
    where = [part for part in (event.place, "Online" if event.online else "") if part]
    if where:
        entry.add("location", ", ".join(where))
    url = request.build_absolute_uri(event.get_absolute_url())
    entry.add("url", url)
    lines = [event.summary]
    if event.how_to_join:
        lines.append(f"How to join: {event.how_to_join}")
    lines.append(f"More: {url}")
    entry.add("description", "\n\n".join(lines))
    entry.add("last-modified", event.updated)
    return entry


def _response(calendar, filename):
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def one_event(request, slug):
    event = get_object_or_404(Event.objects.live(), slug=slug)
    calendar = _calendar(event.title)
    calendar.add_component(_entry(event, request))
    return _response(calendar, f"{event.slug}.ics")


def upcoming_events(request):
    calendar = _calendar("East Midlands Restorative Justice Forum events")
    for event in Event.objects.upcoming():
        calendar.add_component(_entry(event, request))
    return _response(calendar, "emrj-forum-events.ics")
