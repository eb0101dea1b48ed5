"""Searches that found nothing are counted per day, and nothing identifying is kept."""

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db.models.query import QuerySet
from django.test import Client
from django.utils import timezone

from directory.roles import FORUM_STAFF, PROVIDER_EDITORS
from missedsearches import counting
from missedsearches.models import MissedSearch

pytestmark = pytest.mark.django_db
NOTHING = "zebrafishes"


def search(client, **params):
    return client.get("/services/", params)


def test_a_search_that_found_nothing_is_counted_each_time_for_the_day(client):
    for _ in range(2):
        response = search(client, q=NOTHING)
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "miss"  # never kept, so every one is counted
    row = MissedSearch.objects.get()
    assert (row.day, row.words, row.place, row.count) == (timezone.localdate(), NOTHING, "", 2)


def test_a_search_that_found_services_or_was_refused_counts_nothing(client, make_listing):
    make_listing(name="Harbour mediation")
    assert search(client, q="harbour").status_code == 200
    assert search(client, q="x" * 500).status_code == 400
    assert search(client, where="Lougborough").status_code == 400
    assert not MissedSearch.objects.exists()


def test_the_place_and_filters_are_kept_but_never_a_full_postcode(client):
    call_command("loaddata", "areas", verbosity=0)
    # A full postcode moves to its district first; the count holds only that.
    response = search(client, where="LE11 3TU", audience="people-who-caused-harm")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    row = MissedSearch.objects.get()
    assert row.place == "Charnwood"
    assert row.filters == "audience=people-who-caused-harm"
    # Typed among the words, the postcode moves to the place, as its district.
    client.get(search(client, q="mediation LE11 3TU")["Location"])
    assert MissedSearch.objects.filter(words="mediation", place="Charnwood").exists()
    assert not MissedSearch.objects.filter(words__contains="3tu").exists()


def test_a_place_outside_the_region_is_counted_by_name(client):
    search(client, where="Manchester")
    assert MissedSearch.objects.get().place == "Manchester"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("help for jo.bloggs@example.org", "help for"),
        ("call me 07700 900123 please", "call me please"),
        ("mediation LE11 3TU", "mediation le11"),
        ("born 1990", "born"),
        ("ring 0116 255 1234", "ring"),
        ("for 16 18 year olds", "for 16 18 year olds"),
        ("LE11 3 mediation", "le11 mediation"),
        ("  Letter   WRITING ", "letter writing"),
    ],
)
def test_words_are_scrubbed_of_what_could_identify_someone(typed, kept):
    assert counting.scrub_words(typed) == kept


def test_nothing_is_stored_when_nothing_is_left_once_scrubbed():
    assert counting.record(words="07700 900123 jo@example.org") is False
    # Filters alone would be the count of a different search from the one made.
    assert counting.record(words="07700 900123", filters="audience=victims") is False
    assert not MissedSearch.objects.exists()


@pytest.mark.parametrize("typed", ["LE11 3TU", "le113tu", "LE11 3", "LE11"])
def test_a_place_keeps_no_more_of_a_postcode_than_its_district(typed):
    assert counting.scrub_place(typed) == "LE11"


def test_a_repeat_search_that_found_services_comes_from_the_page_cache(client, make_listing):
    # The page cache is on: without not_kept the second zero-result search is not counted.
    make_listing(name="Harbour mediation")
    assert search(client, q="harbour")["X-Page-Cache"] == "miss"
    assert search(client, q="harbour")["X-Page-Cache"] == "hit"


def test_the_model_has_no_place_for_anything_identifying():
    names = {field.name for field in MissedSearch._meta.get_fields()}
    assert names == {"id", "day", "words", "place", "filters", "count"}


def test_the_search_page_sets_no_cookie(client):
    assert search(client, q=NOTHING).cookies == {}


def test_counting_twice_adds_up():
    counting.record(words="quokka")
    counting.record(words="quokka")
    assert MissedSearch.objects.get().count == 2


def test_a_count_made_meanwhile_by_another_request_is_added_to():
    # The other request makes the row between this one's update and its insert.
    counting.record(words="quokka")
    real_update = QuerySet.update
    calls = []

    def first_update_finds_no_row(queryset, **kwargs):
        calls.append(kwargs)
        return 0 if len(calls) == 1 else real_update(queryset, **kwargs)

    with mock.patch.object(QuerySet, "update", first_update_finds_no_row):
        assert counting.record(words="quokka") is True
    assert MissedSearch.objects.get().count == 2
    assert len(calls) == 2


def test_counts_older_than_12_months_are_deleted(client):
    today = timezone.localdate()
    MissedSearch.objects.create(day=today - datetime.timedelta(days=366), words="old", count=3)
    MissedSearch.objects.create(day=today - datetime.timedelta(days=300), words="recent", count=1)
    out = StringIO()
    call_command("delete_old_missed_searches", stdout=out)
    assert list(MissedSearch.objects.values_list("words", flat=True)) == ["recent"]
    assert "Deleted 1 counts" in out.getvalue()


def login(group):
    user = User.objects.create_user(f"u-{group}", "u@example.org", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def test_staff_see_the_most_searched_words_and_places_and_can_try_them(client):
    for _ in range(3):
        search(client, q=NOTHING, where="Manchester")
    search(client, q="wombats")
    staff = login(FORUM_STAFF)
    page = staff.get("/admin/missedsearches/missedsearch/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "In the last 30 days: 4 searches found nothing" in text
    assert text.index(NOTHING) < text.index("wombats")
    assert f"/services/?q={NOTHING}&amp;where=Manchester" in text
    assert f'<a href="/services/?q={NOTHING}">{NOTHING}</a>' in text
    assert '<a href="/services/?where=Manchester">Manchester</a>' in text
    assert staff.get("/admin/missedsearches/missedsearch/add/").status_code == 403


def test_provider_editors_cannot_see_them():
    editor = login(PROVIDER_EDITORS)
    assert editor.get("/admin/missedsearches/missedsearch/").status_code == 403
