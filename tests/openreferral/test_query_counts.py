"""Each endpoint makes the same number of queries whatever the page size or data size."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Listing, Organisation

from .conftest import API

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(db):
    call_command("loaddata", "areas", verbosity=0)
    call_command("generate_listings", "60", verbosity=0)
    return list(Listing.objects.published())


def queries(client, path, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{API}{path}", params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/services", {}),
        ("/services", {"search": "mediation", "minimum_age": "0"}),
        ("/service_at_locations", {}),
        ("/organizations", {}),
        ("/taxonomy_terms", {}),
    ],
)
def test_lists_make_the_same_queries_for_5_or_50_items(client, many, path, params):
    # The first search of a site version also loads the search synonyms into the cache.
    queries(client, path, per_page="1", **params)
    assert queries(client, path, per_page="5", **params) == queries(
        client, path, per_page="50", **params
    )


def test_a_full_service_makes_a_fixed_number_of_queries(client, many):
    counts = {queries(client, f"/services/{listing.uuid}") for listing in many[:20]}
    # The listing (with its organisation, its ages and both sets of ways to get in
    # touch), then its areas, then one query per term field of vocabularies.TERM_FIELDS
    # (eleven: issue 12 added six prefetches, offences taken on and not taken on,
    # stages, who can ask, prisons and languages, so 7 became 13).
    assert counts == {13}


def test_an_organisation_makes_a_fixed_number_of_queries(client, many):
    counts = {
        queries(client, f"/organizations/{organisation.uuid}")
        for organisation in Organisation.objects.all()
    }
    assert counts == {2}
