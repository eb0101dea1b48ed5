"""Bad parameters get 400 JSON, unknown ids and addresses 404 JSON, never a 500."""

import pytest

from .conftest import API

pytestmark = pytest.mark.django_db

LISTS = ["/services", "/service_at_locations", "/organizations", "/taxonomies", "/taxonomy_terms"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page": "9" * 40}, "page"),
        ({"page": "١"}, "page"),  # an Arabic-Indic digit
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "lots"}, "per_page"),
    ],
)
def test_bad_paging_is_a_400_naming_the_parameter(api, path, params, named):
    body = api(path, status=400, **params)
    assert f"'{named}'" in body["message"]


@pytest.mark.parametrize("path", ["/services", "/service_at_locations"])
@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"taxonomy_term_id": "schools"}, "taxonomy_term_id"),
        ({"taxonomy_id": "1"}, "taxonomy_id"),
        ({"organization_id": "' OR 1=1 --"}, "organization_id"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"modified_after": "2026-02-30"}, "modified_after"),
        ({"modified_after": "2026-11-01T25:00:00"}, "modified_after"),
        ({"minimum_age": "-1"}, "minimum_age"),
        ({"minimum_age": "ten"}, "minimum_age"),
        ({"minimum_age": "nan"}, "minimum_age"),
        ({"maximum_age": "inf"}, "maximum_age"),
        ({"maximum_age": "1e9"}, "maximum_age"),
        ({"search": "x" * 201}, "search"),
        ({"search": "abuse\x00"}, "search"),
    ],
)
def test_bad_filters_are_a_400_naming_the_parameter(api, path, params, named):
    body = api(path, status=400, **params)
    assert f"'{named}'" in body["message"]


@pytest.mark.parametrize(
    "search", ["'); DROP TABLE directory_listing; --", "a & b | !c", "<script>", "%", "_", ":*"]
)
def test_search_metacharacters_are_just_words(api, make_listing, search):
    make_listing(name="Letters of apology")
    make_listing(status="draft")
    body = api("/services", search=search)
    # Nothing matches, or (no words to search for) everything published does.
    assert body["total_items"] in (0, 1)
    assert all(item["name"] == "Letters of apology" for item in body["contents"])


@pytest.mark.parametrize(
    "path",
    ["/services", "/service_at_locations", "/organizations", "/taxonomies", "/taxonomy_terms"],
)
@pytest.mark.parametrize(
    "raw_id", ["0b5e7f5c-2a8e-4a4b-9d7e-1c2f3a4b5c6d", "not-a-uuid", "1", "%00"]
)
def test_unknown_ids_are_a_404(api, path, raw_id):
    body = api(f"{path}/{raw_id}", status=404)
    assert "no " in body["message"]


def test_unknown_addresses_under_the_api_are_a_json_404(api, db):
    body = api("/nothing/here", status=404)
    assert "openapi.json" in body["message"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, db, method):
    response = getattr(client, method)(f"{API}/services")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "read-only" in response.json()["message"]


def test_a_listing_without_a_public_address_has_no_location(api, make_listing):
    listing = make_listing()
    api(f"/service_at_locations/{listing.uuid}", status=404)
