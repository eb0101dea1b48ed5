"""The in-memory facet index gives exactly what the database gives: every facet count,
every result and its order, after any edit."""

import random

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory import facet_index
from directory.filters import ListingFilter
from directory.models import Area, Listing, Organisation, Term

pytestmark = pytest.mark.django_db

SEARCHES = [
    "",
    "area=leicestershire",
    "area=charnwood&area=nottingham",
    "where=Loughborough",
    "where=LE15",
    "where=Manchester",
    "q=mediation",
    "q=letters&area=rutland",
    "q=the",  # stop words only: no text filter at all
    "q=domestic+abuse",  # a case type, matched by its term
    "q=burglary",  # an offence some services exclude
    "audience=people-harmed&mode=letter-writing",
    "audience=people-harmed&audience=families&kind=statutory",
    "self_referral=yes&age=adults",
    "kind=voluntary&stage=in-prison&offence=violence",
    "q=restorative&where=Lincoln&mode=face-to-face-conference",
]


@pytest.fixture
def generated():
    call_command("loaddata", "areas", verbosity=0)
    call_command("load_sample_data", verbosity=0)
    call_command("generate_listings", "80", "--seed", "5", verbosity=0)
    assert Listing.objects.published().count() > 50


def filterset(query):
    params = QueryDict(query)
    found = ListingFilter(params, queryset=Listing.objects.published())
    assert found.is_valid(), found.form.errors
    return found


def oracle_count(query, name, value):
    """The database's count with ``value`` as the only choice of filter ``name``."""
    params = QueryDict(query, mutable=True)
    params.setlist(name, [value])
    return filterset(params.urlencode()).qs.count()


def assert_agrees(query):
    found = filterset(query)
    for facet in found.count_facets():
        for option in facet.options:
            expected = oracle_count(query, facet.name, option.value)
            assert option.count == expected, (query, facet.name, option.value)
    results = found.results()
    expected = list(found.qs.values_list("pk", flat=True))
    assert results.count() == len(expected), query
    assert [listing.pk for listing in results[0 : len(expected)]] == expected, query
    # And any page of them.
    if len(expected) > 7:
        assert [listing.pk for listing in results[3:7]] == expected[3:7], query


@pytest.mark.parametrize("query", SEARCHES)
def test_every_count_and_result_agrees_with_the_database(generated, query):
    assert_agrees(query)


def edit_listing(listing):
    listing.areas.set([Area.objects.get(slug="lincoln")])
    listing.audiences.set(Term.objects.filter(vocabulary="audience", slug="families"))


EDITS = {
    "unpublish": lambda listing: Listing.objects.filter(pk=listing.pk).update(status="draft"),
    "change areas and terms": edit_listing,
    "change the organisation's kind": lambda listing: Organisation.objects.filter(
        pk=listing.organisation_id
    ).update(kind="voluntary"),
    "rename": lambda listing: Listing.objects.filter(pk=listing.pk).update(name="Aardvark RJ"),
    "archive the organisation": lambda listing: Organisation.objects.filter(
        pk=listing.organisation_id
    ).update(archived_at=timezone.now()),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_the_index_follows_every_edit(generated, edit):
    from sitecache.version import bump_version

    queries = ["", "area=lincolnshire", "audience=families&kind=voluntary", "q=mediation"]
    for query in queries:
        assert_agrees(query)  # the index is built and kept
    listing = Listing.objects.published().order_by("pk")[3]
    EDITS[edit](listing)
    bump_version()  # what every save through the site and the admin does (sitecache)
    for query in queries:
        assert_agrees(query)


def test_the_index_is_built_once_per_version_and_shared_through_the_cache(generated):
    facet_index._local.clear()
    with CaptureQueriesContext(connection) as first:
        built = facet_index.current()
    assert len(first) > 5
    with CaptureQueriesContext(connection) as again:
        assert facet_index.current() is built
    assert len(again) == 0
    # Another process has nothing of its own yet: it takes the cache's copy, no queries.
    facet_index._local.clear()
    with CaptureQueriesContext(connection) as other:
        shared = facet_index.current()
    assert len(other) == 0 and shared is not built
    assert shared.ids == built.ids and shared.terms == built.terms
    assert shared.position == built.position


def test_without_a_cache_version_every_search_builds_its_own(generated, monkeypatch):
    monkeypatch.setattr(facet_index, "current_version", lambda: None)
    monkeypatch.setattr(facet_index, "current_version_and", lambda key: (None, None))
    facet_index._local.clear()
    first = facet_index.current()
    Listing.objects.filter(pk=first.ids[0]).update(status="draft")
    assert first.ids[0] not in facet_index.current().ids
    assert facet_index._local == {}
    cache.clear()


def test_positions_come_lowest_first_and_page_by_count():
    rng = random.Random(3)
    for _ in range(200):
        chosen = sorted(rng.sample(range(3000), rng.randrange(0, 60)))
        bits = facet_index._bits(chosen, 3000)
        assert facet_index.positions_of(bits) == chosen
        start = rng.randrange(0, 70)
        stop = start + rng.randrange(0, 30)
        assert facet_index.positions_of(bits, start, stop) == chosen[start:stop]
    assert facet_index.positions_of(0) == []


def test_search_words_are_looked_up_once_per_version_whatever_the_filters(generated):
    from sitecache.version import bump_version

    def text_queries(query):
        with CaptureQueriesContext(connection) as captured:
            assert_agrees(query)
        return [q for q in captured if "fts" in q["sql"].lower() or "@@" in q["sql"]]

    facet_index._text_local.clear()
    found = filterset("q=mediation").results().count()
    # The same words with other filters and pages: the index answers, not the database
    # (the oracle in assert_agrees still asks the database, through ListingFilter.qs).
    with CaptureQueriesContext(connection) as captured:
        for query in ["q=mediation&area=rutland", "q=Mediation&mode=letter-writing"]:
            filterset(query).results().count()
            filterset(query).count_facets()
    assert not [q for q in captured if "fts" in q["sql"].lower() or "@@" in q["sql"]]
    # Another process shares the words' listings through the cache.
    facet_index._text_local.clear()
    with CaptureQueriesContext(connection) as captured:
        assert filterset("q=mediation").results().count() == found
    assert not [q for q in captured if "fts" in q["sql"].lower() or "@@" in q["sql"]]
    # Any change looks them up again.
    listing = Listing.objects.published().search("mediation").first()
    Listing.objects.filter(pk=listing.pk).update(status="draft")
    bump_version()
    assert filterset("q=mediation").results().count() == found - 1
    assert text_queries("q=mediation")


def test_a_process_keeps_only_the_last_few_searches_words(generated):
    facet_index._text_local.clear()
    for n in range(facet_index.TEXT_KEPT + 10):
        filterset(f"q=word{n}").results().count()
    assert len(facet_index._text_local) == facet_index.TEXT_KEPT
    assert (facet_index.current_version(), "word0") not in facet_index._text_local
