"""Pages must not make more queries as the directory grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
    ],
)
def test_the_same_number_of_queries_with_5_and_with_50_listings(
    client, make_listing, areas, url, settings
):
    settings.DIRECTORY_PAGE_SIZE = 100  # every listing on one page: the worst case
    add_listings(make_listing, areas, 5)
    with_five = queries_for(client, url)
    add_listings(make_listing, areas, 45)
    assert queries_for(client, url) == with_five


def test_the_search_page_makes_a_fixed_small_number_of_queries(
    client, make_listing, areas, django_assert_max_num_queries
):
    add_listings(make_listing, areas, 5)
    # Area check, vocabulary, area tree, 8 facet counts, result count, one page of
    # results, 3 prefetches for the cards and the footer's pages.
    with django_assert_max_num_queries(17):
        client.get("/services/?area=rutland")
