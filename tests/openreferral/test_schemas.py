"""Every endpoint's real responses validate against the Open Referral UK schemas."""

import pytest
from django.core.management import call_command

from .conftest import assert_valid, assert_valid_page

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["sample data", "generated data"])
def dataset(request, db):
    if request.param == "sample data":
        call_command("load_sample_data", verbosity=0)
        # The fictional demonstration listings too: the real ones lack most contact details.
        call_command("generate_listings", "--demonstration", verbosity=0)
    else:
        call_command("loaddata", "areas", verbosity=0)
        # Drafts too, which must not appear anywhere.
        call_command("generate_listings", "7", status="draft", verbosity=0)
        call_command("generate_listings", "60", verbosity=0)
    return request.param


def walk(api, path, item_schema, detail_path, detail_schema):
    """Validate every page of a list and every item's own endpoint; return the ids seen."""
    ids, page = [], 1
    while True:
        body = api(path, page=page, per_page=25)
        assert_valid_page(body, item_schema)
        ids += [item["id"] for item in body["contents"]]
        if body["last_page"]:
            break
        page += 1
    assert len(ids) == len(set(ids)) == body["total_items"]
    for id_ in ids:
        assert_valid(api(f"{detail_path}/{id_}"), detail_schema)
    return ids


def test_services_validate(api, dataset):
    from directory.models import Listing

    ids = walk(api, "/services", "service_list", "/services", "service")
    assert sorted(ids) == sorted(
        str(u) for u in Listing.objects.published().values_list("uuid", flat=True)
    )


def test_service_at_locations_validate(api, dataset):
    ids = walk(
        api,
        "/service_at_locations",
        "service_at_location_list",
        "/service_at_locations",
        "service_at_location",
    )
    if dataset == "generated data":
        assert ids, "a quarter of generated listings have an address"


def test_organizations_validate(api, dataset):
    ids = walk(api, "/organizations", "organization", "/organizations", "organization")
    assert ids


def test_taxonomies_validate(api, dataset):
    from directory.vocabularies import VOCABULARIES

    ids = walk(api, "/taxonomies", "taxonomy", "/taxonomies", "taxonomy")
    assert len(ids) == len(VOCABULARIES)


def test_taxonomy_terms_validate(api, dataset):
    from directory.models import Term

    ids = walk(api, "/taxonomy_terms", "taxonomy_term", "/taxonomy_terms", "taxonomy_term")
    assert len(ids) == Term.objects.count()


def test_root_describes_the_api(api, client, db):
    body = api("/")
    assert body["version"] == "3.0"
    assert body["profile"].startswith("https://")
    assert body["openapi_url"] == "http://testserver/api/openreferral/openapi.json"
    described = api("/openapi.json")
    assert described["openapi"].startswith("3.")
    assert described["servers"] == [{"url": "http://testserver/api/openreferral"}]
    for path in [
        "/",
        "/services",
        "/services/{id}",
        "/service_at_locations",
        "/service_at_locations/{id}",
        "/organizations",
        "/organizations/{id}",
        "/taxonomies",
        "/taxonomies/{id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{id}",
    ]:
        assert path in described["paths"]
    # Every parameter the description names is one the API reads.
    named = {
        ref["$ref"].rsplit("/", 1)[1]
        for item in described["paths"].values()
        for ref in item["get"].get("parameters", [])
    }
    assert named == set(described["components"]["parameters"])


def test_the_validators_catch_mistakes():
    """Guard the guard: a malformed service fails, so passing tests mean something."""
    from jsonschema import ValidationError

    from .conftest import VALIDATORS

    good = {"id": "6f1c3a52-5d0e-4b8e-9a57-3f3d2f4b9e10", "name": "A", "status": "active"}
    VALIDATORS["service"].validate(good)
    for broken in [
        {**good, "id": "not-a-uuid"},
        {**good, "status": "open"},
        {**good, "url": "not a url"},
        {**good, "email": "nobody"},
        {**good, "last_modified": "yesterday"},
        {key: value for key, value in good.items() if key != "name"},
    ]:
        with pytest.raises(ValidationError):
            VALIDATORS["service"].validate(broken)
