"""Organisations, locations and taxonomies as the API publishes them."""

import pytest

from directory import vocabularies
from directory.models import Listing, Term
from openreferral.addresses import parse_address

pytestmark = pytest.mark.django_db


def test_organisations_appear_only_with_a_published_service(api, make_listing, make_organisation):
    live = make_listing(name="Live service")
    make_listing(name="Draft service", status=Listing.Status.DRAFT, organisation=live.organisation)
    hidden = make_listing(status=Listing.Status.DRAFT).organisation
    make_organisation()  # none at all

    body = api("/organizations")
    assert [item["id"] for item in body["contents"]] == [str(live.organisation.uuid)]
    api(f"/organizations/{hidden.uuid}", status=404)
    detail = api(f"/organizations/{live.organisation.uuid}")
    assert [service["name"] for service in detail["services"]] == ["Live service"]
    assert detail["uri"].startswith("http://testserver/services/?organisation=")


def test_an_organisation_without_a_description_still_has_one(api, make_listing, make_organisation):
    organisation = make_organisation(name="Quiet Trust", description="")
    make_listing(organisation=organisation)
    body = api(f"/organizations/{organisation.uuid}")
    assert body["description"].startswith("Quiet Trust")


def test_taxonomies_are_our_vocabularies_with_their_terms(api, db):
    body = api("/taxonomies")
    published = [(item["name"], item["description"]) for item in body["contents"]]
    assert published == [(v.name, v.description) for v in vocabularies.VOCABULARIES]
    modes = next(t for t in body["contents"] if t["name"] == "How it is delivered")
    detail = api(f"/taxonomies/{modes['id']}")
    slugs = {term["term"] for term in detail["taxonomy_terms"]}
    assert slugs == set(
        Term.objects.filter(vocabulary="delivery_mode").values_list("slug", flat=True)
    )
    assert {term["taxonomy_id"] for term in detail["taxonomy_terms"]} == {modes["id"]}


def test_taxonomy_ids_are_the_same_on_every_installation(api, db):
    # Derived from the vocabulary's name (uuid5), so aggregators can rely on them.
    body = api("/taxonomies")
    ids = {item["name"]: item["id"] for item in body["contents"]}
    assert ids["How it is delivered"] == "24c5ece7-8625-5e3c-89a0-c8190f5cf81d"
    term = Term.objects.get(vocabulary="delivery_mode", slug="letter-writing")
    assert api(f"/taxonomy_terms/{term.uuid}")["name"] == term.name


def test_taxonomy_terms_can_be_narrowed_to_one_taxonomy(api, db):
    ages = next(t for t in api("/taxonomies")["contents"] if t["name"] == "Age group")
    body = api("/taxonomy_terms", taxonomy_id=ages["id"])
    assert {item["term"] for item in body["contents"]} == {"children-and-young-people", "adults"}
    assert api("/taxonomy_terms", taxonomy_id="0b5e7f5c-2a8e-4a4b-9d7e-1c2f3a4b5c6d")["empty"]


def test_a_service_with_a_public_address_has_a_location(api, make_listing):
    listing = make_listing(address="Unit 4, Example House\n12 Sample Road\nLeicester\nLE1 9ZZ")
    make_listing(address="")

    body = api("/service_at_locations")
    assert [item["id"] for item in body["contents"]] == [str(listing.uuid)]
    item = body["contents"][0]
    assert item["service"]["id"] == str(listing.uuid)
    address = item["location"]["addresses"][0]
    assert address == {
        "id": address["id"],
        "location_id": item["location_id"],
        "address_1": "Unit 4",
        "address_2": "Example House, 12 Sample Road",
        "city": "Leicester",
        "state_province": "Leicester",
        "postal_code": "LE1 9ZZ",
        "country": "GB",
        "address_type": "physical",
    }
    nested = api(f"/services/{listing.uuid}")["service_at_locations"]
    assert nested[0]["location"] == item["location"]
    assert "service" not in nested[0]


def test_an_address_that_cannot_be_read_is_given_as_a_description(api, make_listing):
    listing = make_listing(address="Ask at the front desk of the town hall")
    body = api(f"/service_at_locations/{listing.uuid}")
    assert body["location"]["description"] == "Ask at the front desk of the town hall"
    assert "addresses" not in body["location"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "1 High Street, Loughborough, Leicestershire, LE11 1AA",
            {
                "address_1": "1 High Street",
                "city": "Loughborough",
                "state_province": "Leicestershire",
            },
        ),
        ("2 Mill Lane\nOakham\nRutland\nle15 6aa", {"city": "Oakham", "state_province": "Rutland"}),
        ("3 Station Road, Derby DE1 2AB", {"address_1": "3 Station Road", "city": "Derby"}),
    ],
)
def test_parse_address(text, expected):
    parsed = parse_address(text)
    assert parsed.items() >= expected.items()
    assert parsed["postal_code"] == parsed["postal_code"].upper()
    assert " " in parsed["postal_code"]


@pytest.mark.parametrize("text", ["", "Leicester", "1 High Street, Leicester", "LE1 1AA"])
def test_parse_address_needs_a_town_and_a_postcode(text):
    assert parse_address(text) is None
