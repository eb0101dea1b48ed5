"""Pages are kept no longer than the next change the clock brings (sitecache/schedule.py)."""

import datetime

import pytest
from django.db import DatabaseError
from django.utils import timezone

from sitecache import schedule

pytestmark = pytest.mark.django_db


def test_a_page_is_kept_until_the_next_scheduled_change_at_most():
    soon = timezone.now() + datetime.timedelta(seconds=90)
    assert 85 <= schedule.seconds_until(soon, at_most=600) <= 90
    assert schedule.seconds_until(None, at_most=600) == 600
    assert schedule.seconds_until(timezone.now() - datetime.timedelta(seconds=1), at_most=600) == 0


def test_the_next_change_is_worked_out_once_per_version(django_assert_num_queries):
    from hub.models import NewsItem, Status

    due = timezone.now() + datetime.timedelta(days=1)
    NewsItem.objects.create(
        title="Later", slug="later", summary="s", body="b", status=Status.PUBLISHED, publish_at=due
    )
    with django_assert_num_queries(4):
        first = schedule.remembered(1, None)
    with django_assert_num_queries(0):
        assert schedule.remembered(1, (1, first)) == first
    assert first == schedule.next_change() == due


def test_when_the_database_fails_nothing_is_remembered_and_it_is_asked_again(monkeypatch):
    calls = []

    def failing():
        calls.append(1)
        raise DatabaseError("down")

    monkeypatch.setattr(schedule, "_SOURCES", [failing])
    assert schedule.remembered(1, None) is None
    assert schedule.remembered(1, None) is None
    assert len(calls) == 2


def test_a_page_needing_no_database_is_served_and_kept_while_the_database_fails(
    client, monkeypatch
):
    def failing():
        raise DatabaseError("down")

    monkeypatch.setattr(schedule, "_SOURCES", [failing])
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/robots.txt")["X-Page-Cache"] == "hit"
