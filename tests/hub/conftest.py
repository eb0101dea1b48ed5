"""Knowledge hub fixtures: items in each state, and signed-in staff and editors."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from directory.roles import FORUM_STAFF, PROVIDER_EDITORS
from hub.models import Briefing, Event, NewsItem, Status

_counter = itertools.count(1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def make_news(db):
    def make(**overrides):
        n = next(_counter)
        values = {
            "title": f"News {n}",
            "slug": f"news-{n}",
            "summary": f"Summary of news {n}.",
            "body": f"The text of news {n}.",
            "status": Status.PUBLISHED,
            "publish_at": timezone.now() - HOUR,
        }
        values.update(overrides)
        return NewsItem.objects.create(**values)

    return make


@pytest.fixture
def make_briefing(db):
    def make(**overrides):
        n = next(_counter)
        values = {
            "number": 100 + n,
            "title": f"Briefing {n}",
            "slug": f"briefing-{n}",
            "summary": f"Summary of briefing {n}.",
            "body": f"The text of briefing {n}.",
            "status": Status.PUBLISHED,
            "publish_at": timezone.now() - HOUR,
        }
        values.update(overrides)
        return Briefing.objects.create(**values)

    return make


@pytest.fixture
def make_event(db):
    def make(**overrides):
        n = next(_counter)
        values = {
            "title": f"Event {n}",
            "slug": f"event-{n}",
            "summary": f"Summary of event {n}.",
            "body": f"About event {n}.",
            "status": Status.PUBLISHED,
            "publish_at": timezone.now() - HOUR,
            "date": timezone.localdate() + 7 * DAY,
            "start_time": datetime.time(14, 0),
            "end_time": datetime.time(16, 30),
            "place": "Leicester",
        }
        values.update(overrides)
        return Event.objects.create(**values)

    return make


def login(username, group=None, **extra):
    user = User.objects.create_user(
        username, f"{username}@example.org", "x", is_staff=True, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def staff(db):
    return login("hub-staff", FORUM_STAFF)


@pytest.fixture
def as_staff(staff):
    return staff[0]


@pytest.fixture
def as_editor(db):
    return login("hub-editor", PROVIDER_EDITORS)[0]
