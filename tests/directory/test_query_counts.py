"""Pages must not make more queries as the directory grows."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory import vocabularies

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_listings(make_listing, areas, count):
    for n in range(count):
        make_listing(
            areas=[areas["rutland"] if n % 2 else areas["llr"]],
            modes=["letter-writing", "video-or-phone"],
            settings=["schools"],
            cases=["hate-crime"],
            self_referral=True,
            summary="Letters and calls for people harmed by crime.",
        )


@pytest.mark.parametrize(
    "url",
    [
        "/services/",
        "/services/?q=letters&area=rutland&mode=letter-writing&kind=statutory&self_referral=yes",
        "/services/?audience=people-harmed&age=adults&setting=schools&cases=hate-crime",
        "/areas/rutland/",
        "/",
        "/services/service-first/",
        "/api/openreferral/services?per_page=100",
    ],
)
@pytest.mark.parametrize("facet_cache", [0, 600])
def test_the_same_number_of_queries_with_5_and_with_500_listings(
    client, make_listing, areas, url, settings, facet_cache
):
    settings.DIRECTORY_PAGE_SIZE = 100  # a hundred listings on a page: the worst case
    settings.FACET_CACHE_SECONDS = facet_cache
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # count the work, not the cache
    make_listing(slug="service-first", areas=[areas["rutland"]])
    add_listings(make_listing, areas, 4)  # every URL finds some: prefetches run
    client.get(url)  # the first search after a change builds the facet index
    with_five = queries_for(client, url)
    call_command("generate_listings", "495", verbosity=0)
    client.get(url)
    assert queries_for(client, url) == with_five


def test_the_facet_index_takes_the_same_number_of_queries_to_build_at_any_size(make_listing, areas):
    from directory import facet_index

    add_listings(make_listing, areas, 5)
    with CaptureQueriesContext(connection) as small:
        facet_index.build()
    call_command("generate_listings", "300", verbosity=0)
    with CaptureQueriesContext(connection) as large:
        index = facet_index.build()
    assert len(large) == len(small) == 3 + len(vocabularies.FILTERED)
    assert len(index.ids) == 305


def test_the_search_page_makes_a_fixed_small_number_of_queries(
    client, make_listing, areas, django_assert_max_num_queries, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.FACET_CACHE_SECONDS = 0
    add_listings(make_listing, areas, 5)
    client.get("/services/")  # builds the facet index, once per change to the directory
    # Area check, vocabulary, area tree, one page of results, 3 prefetches for the cards,
    # the national routes onward and the footer's pages: the counts are the index's.
    with django_assert_max_num_queries(9):
        client.get("/services/?area=rutland")
    # Search words add the areas (is a place among the words?), the synonyms and case
    # types they are read with, the listings they find, and the knowledge hub's news and
    # briefings with them (a count and a page each).
    with django_assert_max_num_queries(9 + 4 + 4):
        client.get("/services/?q=letters&area=rutland")


def test_cached_facet_counts_save_most_of_a_search_pages_queries(
    client, make_listing, areas, django_assert_max_num_queries, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    add_listings(make_listing, areas, 5)
    client.get("/services/?area=rutland")
    # Page 1 counted the facets; the same search again (or its page 2) does not:
    # area check, results, 3 prefetches, national routes, footer.
    with django_assert_max_num_queries(8):
        client.get("/services/?area=rutland&page=1")
