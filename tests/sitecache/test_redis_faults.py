"""The site stays up when Redis fails, and serves no stale page when it comes back.

Each test runs its own redis-server (tests/sitecache/conftest.py) and kills it,
freezes it (SIGSTOP) or brings it back. What is asserted is structural: pages answer
normally, Redis was tried once (one timeout at most) and then left alone by the
circuit breaker, and after the outage no page kept from before it is served.
"""

import logging
import re
import time

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from directory.models import Listing, ProblemReport
from directory.roles import FORUM_STAFF
from sitecache.version import KEY, bump_version
from tests.directory.admin_forms import listing_form_data

pytestmark = pytest.mark.django_db

LISTING = "/services/harbour/"
PAGES = ["/", "/services/", "/services/?q=harbour", LISTING, "/areas/leicester/"]
REPORT = {"message": "The phone number on this page does not work.", "email": "", "website": ""}
BACKEND_LOG = "sitecache.backends"


@pytest.fixture
def listing(make_listing, areas):
    return make_listing(
        name="Harbour mediation",
        slug="harbour",
        summary="Meetings in the harbour office.",
        areas=[areas["leicester"]],
        contact_routes=[{"kind": "phone", "value": "0116 496 0555"}],
    )


@pytest.fixture
def staff():
    """A signed-in member of forum staff (a client of their own: visitors have no session)."""
    user = User.objects.create_user("forum-staff", "staff@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name=FORUM_STAFF))
    client = Client()
    client.force_login(user)
    return client


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response


def warm(client, url):
    """Visit ``url`` twice: the second visit is a hit, so Redis is really in use."""
    get(client, url)
    assert get(client, url)["X-Page-Cache"] == "hit"


def post_report(client, listing):
    return client.post(f"/services/{listing.slug}/report/", REPORT, REMOTE_ADDR="192.0.2.7")


def save_in_admin(staff, listing, **changes):
    url = reverse("admin:directory_listing_change", args=[listing.pk])
    response = staff.post(url, listing_form_data(listing, status="published", **changes))
    errors = re.findall(r"<ul class=\"errorlist[^>]*>.*?</ul>", response.content.decode(), re.S)
    assert response.status_code == 302, errors or response.content[:2000]


def everything_works(client, staff, listing):
    """Every public page, the report form and an admin save answer normally."""
    for url in PAGES:
        response = get(client, url)
        assert response["X-Page-Cache"] == "miss", url
    assert b"Report a problem" in get(client, f"/services/{listing.slug}/report/").content
    response = post_report(client, listing)
    assert response.status_code == 302, response.content[:500]
    assert ProblemReport.objects.filter(listing=listing).count() == 1
    save_in_admin(staff, listing, summary="Evening appointments now.")
    assert Listing.objects.get(pk=listing.pk).summary == "Evening appointments now."
    assert b"Evening appointments now." in get(client, LISTING).content


def outage_messages(caplog):
    return [r for r in caplog.records if r.name == BACKEND_LOG and r.levelno >= logging.WARNING]


def wait_until_back(breaker, seconds=15):
    """Wait for the background probe to find Redis again (no request needed)."""
    deadline = time.monotonic() + seconds
    while breaker.is_open and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not breaker.is_open, "the cache did not come back by itself"


# --- Redis killed ------------------------------------------------------------------


def test_with_redis_killed_the_site_works_and_leaves_redis_alone(
    redis_server, redis_cache, client, staff, listing, caplog
):
    warm(client, LISTING)
    redis_server.kill()

    everything_works(client, staff, listing)

    breaker = redis_cache.breaker
    assert breaker.is_open
    # One call found Redis gone; every other call since was a miss without trying.
    assert breaker.failures == 1
    assert breaker.skipped > len(PAGES)
    # Logged once for the outage, not once per call.
    [message] = outage_messages(caplog)
    assert message.levelno == logging.ERROR
    assert "not answering" in message.getMessage()


def test_with_redis_killed_reports_are_still_accepted(redis_server, redis_cache, client, listing):
    redis_server.kill()
    for _ in range(3):
        assert post_report(client, listing).status_code == 302
    assert ProblemReport.objects.filter(listing=listing).count() == 3


def test_with_redis_killed_the_cache_is_an_empty_one_that_keeps_nothing(redis_server, redis_cache):
    redis_server.kill()
    assert cache.get("a", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("a", 1) is None
    assert cache.add("a", 1) is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.has_key("a") is False
    assert cache.delete("a") is False
    assert cache.touch("a") is False
    assert cache.get_or_set("a", 5) == 5
    with pytest.raises(ValueError):
        cache.incr("a")
    bump_version()  # never raises
    assert redis_cache.breaker.failures == 1


# --- Redis hung ----------------------------------------------------------------------


def test_with_redis_hung_the_site_works_after_one_timeout(
    redis_server, redis_cache, client, staff, listing, caplog
):
    warm(client, LISTING)
    redis_server.hang()

    started = time.monotonic()
    everything_works(client, staff, listing)
    elapsed = time.monotonic() - started

    breaker = redis_cache.breaker
    assert breaker.is_open
    # At most one attempt per back-off window: a hung Redis cost one socket timeout
    # (1 s here), not one per cache call.
    windows = 1 + int(elapsed // breaker.retry_seconds)
    assert breaker.failures <= windows
    assert breaker.skipped > len(PAGES)
    assert len(outage_messages(caplog)) == 1
    print(f"\nwith Redis hung: {elapsed:.2f} s, {breaker.failures} timeout(s)")


@pytest.mark.parametrize("retry_seconds", [0.3])
def test_a_hung_redis_is_tried_at_most_once_per_back_off_window(
    redis_server, redis_cache, client, listing, retry_seconds
):
    get(client, LISTING)
    redis_server.hang()
    started = time.monotonic()
    visits = 0
    while time.monotonic() - started < 2:
        assert get(client, LISTING)["X-Page-Cache"] == "miss"
        visits += 1
    elapsed = time.monotonic() - started

    breaker = redis_cache.breaker
    # Visitors' requests went to Redis once; after that only the background probe
    # tries it, once per window, each try costing it (not a visitor) one timeout.
    assert breaker.failures <= 1 + int(elapsed // retry_seconds)
    assert breaker.skipped >= visits - 1
    print(f"\n{visits} visits in {elapsed:.1f} s, {breaker.failures} tries of the hung Redis")


# --- Redis back --------------------------------------------------------------------


@pytest.mark.parametrize("retry_seconds", [0.3])
def test_after_a_restart_pages_are_cached_again(
    redis_server, redis_cache, client, listing, caplog, retry_seconds
):
    warm(client, LISTING)
    redis_server.kill()
    assert get(client, LISTING)["X-Page-Cache"] == "miss"
    assert redis_cache.breaker.is_open

    redis_server.restart()
    wait_until_back(redis_cache.breaker)

    assert get(client, LISTING)["X-Page-Cache"] == "miss"
    assert get(client, LISTING)["X-Page-Cache"] == "hit"
    down, back = outage_messages(caplog)
    assert "answers again" in back.getMessage()


@pytest.mark.parametrize("retry_seconds", [0.3])
def test_an_edit_made_while_redis_hung_is_shown_when_it_is_back(
    redis_server, redis_cache, client, staff, listing, retry_seconds
):
    warm(client, LISTING)
    version_before = cache.get(KEY)
    redis_server.hang()

    # The edit's bump of the cache version cannot reach Redis.
    save_in_admin(staff, listing, summary="Evening appointments now.")
    assert b"Evening appointments now." in get(client, LISTING).content

    # Redis comes back still holding the page from before the edit, under a version
    # nobody could bump: it must not be served.
    redis_server.resume()
    wait_until_back(redis_cache.breaker)
    assert cache.get(KEY) != version_before

    after = get(client, LISTING)
    assert b"Evening appointments now." in after.content
    assert after["X-Page-Cache"] == "miss"
    again = get(client, LISTING)
    assert again["X-Page-Cache"] == "hit"
    assert b"Evening appointments now." in again.content
