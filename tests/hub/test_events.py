"""Events: when they start and end, in their own time zone, and how that reads."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from hub.models import Event

pytestmark = pytest.mark.django_db


def test_times_are_kept_in_the_events_time_zone_across_the_clocks_changing(make_event):
    winter = make_event(date=datetime.date(2027, 1, 5), start_time=datetime.time(10))
    summer = make_event(date=datetime.date(2027, 7, 5), start_time=datetime.time(10))
    assert winter.starts_at.astimezone(datetime.UTC).hour == 10
    assert summer.starts_at.astimezone(datetime.UTC).hour == 9


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        (datetime.time(14), datetime.time(15, 30), "2pm to 3:30pm (UK time)"),
        (datetime.time(9, 15), None, "From 9:15am (UK time)"),
        (datetime.time(12), datetime.time(13), "midday to 1pm (UK time)"),
        (None, None, "Time to be confirmed"),
    ],
)
def test_the_time_reads_in_gov_uk_style(make_event, start, end, shown):
    event = make_event(start_time=start, end_time=end)
    assert event.time_text() == shown


def test_the_day_reads_in_full():
    assert Event(date=datetime.date(2021, 4, 20)).day_text() == "Tuesday 20 April 2021"


def test_an_end_before_the_start_or_without_a_start_is_refused(make_event):
    event = make_event()
    event.start_time, event.end_time = datetime.time(15), datetime.time(14)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "end time must be after the start time" in str(error.value)
    event.start_time = None
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "Give the start time too" in str(error.value)


def test_an_unknown_time_zone_is_refused_in_plain_words(make_event):
    event = make_event()
    event.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "not a time zone this site knows" in str(error.value)


def test_where_reads_naturally(make_event):
    assert make_event(place="Leicester", online=True).where_text() == "Leicester and online"
    assert make_event(place="", online=True).where_text() == "Online"
    assert make_event(place="", online=False).where_text() == "To be confirmed"
