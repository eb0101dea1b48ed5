"""Only live items (published, publish time come) are public: never a draft or a
scheduled item, on any page, feed, calendar, sitemap or search."""

import datetime

import pytest
from django.utils import timezone

from hub.models import Briefing, Event, NewsItem, Status

from .conftest import DAY, HOUR

pytestmark = pytest.mark.django_db

# Every public address that could show a hub item.
SURFACES = [
    "/",
    "/knowledge-hub/",
    "/knowledge-hub/news/",
    "/knowledge-hub/briefings/",
    "/knowledge-hub/events/",
    "/knowledge-hub/feed/",
    "/knowledge-hub/events/upcoming.ics",
    "/sitemap.xml",
    "/services/?q=zebracorn",
]


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def hidden(make_news, make_briefing, make_event):
    """A draft and a scheduled item of each kind, each with a word no other item has."""
    later = timezone.now() + DAY
    made = []
    for state, values in [
        ("draft", {"status": Status.DRAFT}),
        ("scheduled", {"status": Status.PUBLISHED, "publish_at": later}),
    ]:
        for make, kind in [(make_news, "news"), (make_briefing, "briefing"), (make_event, "event")]:
            word = f"zebracorn{state}{kind}"
            made.append(
                make(
                    title=f"Secret {word}",
                    slug=word,
                    summary=f"Zebracorn {word}.",
                    body=f"zebracorn {word}",
                    **values,
                )
            )
    return made


@pytest.mark.parametrize("url", SURFACES)
def test_no_draft_or_scheduled_item_appears_anywhere_public(client, hidden, url):
    page = text(client, url)
    for item in hidden:
        assert item.slug not in page, f"{item.slug} shown on {url}"


def test_a_draft_or_scheduled_items_own_addresses_are_not_found(client, hidden):
    for item in hidden:
        assert client.get(item.get_absolute_url()).status_code == 404
        if isinstance(item, Event):
            assert client.get(item.calendar_url()).status_code == 404
        if isinstance(item, Briefing):
            url = f"/knowledge-hub/briefings/{item.slug}/document/"
            assert client.get(url).status_code == 404


def test_live_items_appear_on_every_surface_that_lists_them(client, make_news, make_briefing):
    news = make_news(title="Zebracorn news", slug="zebracorn-news", body="zebracorn")
    briefing = make_briefing(title="Zebracorn briefing", slug="zebracorn-briefing")
    for url in ["/knowledge-hub/", "/knowledge-hub/news/", "/knowledge-hub/feed/", "/sitemap.xml"]:
        assert news.slug in text(client, url), url
    for url in ["/knowledge-hub/", "/knowledge-hub/briefings/", "/knowledge-hub/feed/"]:
        assert briefing.slug in text(client, url), url
    assert news.title in text(client, "/")
    found = text(client, "/services/?q=zebracorn")
    assert "From the knowledge hub" in found
    assert news.get_absolute_url() in found and briefing.get_absolute_url() in found


def test_unpublishing_takes_an_item_off_at_once(client, make_news):
    news = make_news(slug="soon-gone")
    assert client.get(news.get_absolute_url()).status_code == 200
    news.status = Status.DRAFT
    news.save()
    assert client.get(news.get_absolute_url()).status_code == 404
    assert "soon-gone" not in text(client, "/knowledge-hub/news/")


def test_a_scheduled_item_appears_when_its_time_comes_although_pages_were_cached(
    client, make_news, make_event
):
    import time

    due = timezone.now() + datetime.timedelta(seconds=2)
    news = make_news(title="Arrives on time", slug="arrives-on-time", publish_at=due)
    pages = ["/", "/knowledge-hub/", "/knowledge-hub/news/", "/knowledge-hub/feed/"]
    for url in pages:
        assert "arrives-on-time" not in text(client, url)
        again = client.get(url)
        assert again["X-Page-Cache"] == "hit"  # kept, but only until the item is due
    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 1.1)
    for url in pages:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "arrives-on-time" in response.content.decode(), url
    assert client.get(news.get_absolute_url()).status_code == 200


def test_the_home_page_shows_the_latest_news_and_the_next_event(client, make_news, make_event):
    make_news(title="Older news", publish_at=timezone.now() - 3 * DAY)
    make_news(title="Newest news", publish_at=timezone.now() - HOUR)
    make_event(title="Later event", date=timezone.localdate() + 30 * DAY)
    make_event(title="Next event here", date=timezone.localdate() + 3 * DAY)
    make_event(title="Finished event", date=timezone.localdate() - 3 * DAY)
    page = text(client, "/")
    assert page.index("Newest news") < page.index("Older news")
    assert "Next event here" in page
    assert "Later event" not in page and "Finished event" not in page


def test_past_events_are_listed_as_past_below_upcoming_ones(client, make_event):
    make_event(title="Coming up", slug="coming-up")
    past = make_event(title="Over now", slug="over-now", date=timezone.localdate() - 10 * DAY)
    page = text(client, "/knowledge-hub/events/")
    assert page.index("Upcoming events") < page.index("Coming up")
    assert page.index("Past events") < page.index("Over now")
    assert "Past event" in page.split("Past events")[1]
    detail = text(client, past.get_absolute_url())
    assert "This event has taken place" in detail
    assert "Add this event to your calendar" not in detail


def test_an_event_is_upcoming_until_it_ends(make_event):
    now = timezone.now()
    today = timezone.localtime(now).date()
    running = make_event(
        date=today,
        start_time=(timezone.localtime(now) - HOUR).time(),
        end_time=None,  # no end time: it lasts until the day is over
    )
    assert Event.objects.upcoming(now).filter(pk=running.pk).exists()
    assert not running.is_past(now)
    assert running.is_past(running.ends_at)


@pytest.mark.parametrize(
    "url",
    ["/knowledge-hub/news/?page=abc", "/knowledge-hub/briefings/?page=0.5"],
)
def test_a_bad_page_number_is_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "whole number" in response.content.decode()


def test_a_page_beyond_the_last_is_a_404_saying_how_many_there_are(client, make_news):
    make_news()
    response = client.get("/knowledge-hub/news/?page=7")
    assert response.status_code == 404
    assert "There is 1 page" in response.content.decode()


def test_lists_are_paginated(client, make_news, settings):
    settings.DIRECTORY_PAGE_SIZE = 2
    for n in range(5):
        make_news(title=f"Numbered {n}", publish_at=timezone.now() - (n + 1) * HOUR)
    first, third = text(client, "/knowledge-hub/news/"), text(client, "/knowledge-hub/news/?page=3")
    assert "Numbered 0" in first and "Numbered 2" not in first
    assert "Numbered 4" in third
    assert 'rel="next"' in first


def test_staff_text_is_escaped_and_sanitised(client, make_news):
    news = make_news(
        title="<script>alert(1)</script>",
        summary="<b>bold</b>",
        body="Hello <script>alert(2)</script> [x](javascript:alert(3))",
    )
    page = text(client, news.get_absolute_url())
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:alert" not in page


def test_the_seeded_hub_has_the_forums_news_briefing_and_past_meeting(client):
    assert NewsItem.objects.live().count() == 3
    briefing = Briefing.objects.live().get(number=1)
    assert "Leicester, Leicestershire and Rutland" in briefing.title
    meeting = Event.objects.get(date=datetime.date(2021, 4, 20))
    assert meeting.is_past()
    assert meeting.start_time is None  # the source gives no time: none is made up
    page = text(client, "/knowledge-hub/events/")
    assert "No forum meetings or training are planned" in page
    assert meeting.title in page.split("Past events")[1]
    assert "Issue 1" in text(client, "/knowledge-hub/")


def test_the_search_lists_news_and_briefings_below_the_services(client, make_news, make_listing):
    make_listing(name="Mediation for neighbours", summary="Mediation between neighbours.")
    make_news(title="Neighbour mediation training", body="A day on mediation.")
    page = text(client, "/services/?q=mediation")
    assert page.index("Mediation for neighbours") < page.index("From the knowledge hub")
    assert "Neighbour mediation training" in page.split("From the knowledge hub")[1]


def test_a_title_match_comes_before_a_match_in_the_text(client, make_news):
    make_news(title="Something else", body="All about conferencing.", publish_at=timezone.now())
    make_news(title="Conferencing explained", body="Text.", publish_at=timezone.now() - DAY)
    section = text(client, "/services/?q=conferencing").split("From the knowledge hub")[1]
    assert section.index("Conferencing explained") < section.index("Something else")


def test_every_search_word_must_match_and_searches_without_words_show_no_section(client, make_news):
    make_news(title="Restorative practice with zebrafish", body="Zebrafish and quokkas.")
    assert "From the knowledge hub" not in text(client, "/services/?q=zebrafish+wombats")
    assert "From the knowledge hub" in text(client, "/services/?q=zebrafish+quokkas")
    assert "From the knowledge hub" not in text(client, "/services/")
    assert "From the knowledge hub" not in text(client, "/services/?q=the+and")


def test_the_hub_pages_make_the_same_few_queries_however_many_items(
    client, make_news, make_briefing, make_event, django_assert_max_num_queries
):
    for _ in range(6):
        make_news()
        make_briefing()
        make_event()
    for url in ["/knowledge-hub/", "/knowledge-hub/news/", "/knowledge-hub/events/", "/"]:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
