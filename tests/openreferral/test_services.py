"""What /services and /services/{id} publish, and how they filter and page."""

import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from directory.models import Listing, Term

pytestmark = pytest.mark.django_db


def ids(body):
    return {item["id"] for item in body["contents"]}


def test_only_published_listings_appear(api, make_listing):
    published = make_listing()
    draft = make_listing(status=Listing.Status.DRAFT)
    archived = make_listing(status=Listing.Status.ARCHIVED)

    assert ids(api("/services")) == {str(published.uuid)}
    for hidden in (draft, archived):
        body = api(f"/services/{hidden.uuid}", status=404)
        assert "no published service" in body["message"]


def test_a_full_service_carries_its_organisation_areas_contacts_and_terms(api, make_listing, areas):
    listing = make_listing(
        name="Talking Together",
        summary="Meetings between people harmed and people who caused harm.",
        description="Led by trained facilitators.",
        audiences=["people-harmed", "families"],
        modes=["shuttle-mediation"],
        cases=["hate-crime"],
        areas=[areas["llr"]],
        contact_routes=[
            {"kind": "phone", "value": "0116 496 0123"},
            {"kind": "email", "value": "team@example.org"},
            {"kind": "website", "value": "https://example.org/talking/"},
        ],
        how_to_refer="Call us.",
        self_referral=True,
        accreditation=Listing.Accreditation.RSQM,
        last_checked=date(2026, 10, 1),
    )

    body = api(f"/services/{listing.uuid}")

    assert body["id"] == str(listing.uuid)
    assert body["name"] == "Talking Together"
    assert body["description"].startswith("Meetings between")
    assert "facilitators" in body["description"]
    assert body["status"] == "active"
    assert body["url"] == "https://example.org/talking/"
    assert body["email"] == "team@example.org"
    assert body["accreditations"] == listing.get_accreditation_display()
    assert body["assured_date"] == "2026-10-01"
    assert body["last_modified"].endswith("Z")
    assert body["organization"]["id"] == str(listing.organisation.uuid)
    assert body["organization_id"] == str(listing.organisation.uuid)
    assert body["service_areas"] == [
        {
            "id": str(areas["llr"].uuid),
            "service_id": str(listing.uuid),
            "name": areas["llr"].name,
            "service_area": areas["llr"].name,
            "uri": f"http://testserver/areas/{areas['llr'].slug}/",
        }
    ]
    assert [phone["number"] for phone in body["phones"]] == ["0116 496 0123"]
    assert [contact["email"] for contact in body["contacts"]] == ["team@example.org"]
    assert body["contacts"][0]["phones"] == body["phones"]
    assert "Call us." in body["application_process"]
    linked = {(a["link_type"], a["taxonomy_term"]["term"]) for a in body["attributes"]}
    assert linked == {
        ("audience", "people-harmed"),
        ("audience", "families"),
        ("age_group", "adults"),
        ("delivery_mode", "shuttle-mediation"),
        ("case_type", "hate-crime"),
    }
    for attribute in body["attributes"]:
        assert attribute["link_id"] == str(listing.uuid)
        assert attribute["taxonomy_term_id"] == attribute["taxonomy_term"]["id"]
    # The same request gives the same derived ids.
    assert api(f"/services/{listing.uuid}") == body


def test_fields_with_no_value_are_left_out(api, make_listing):
    listing = make_listing(age_groups=[], modes=[], audiences=[])

    body = api(f"/services/{listing.uuid}")

    for absent in [
        "url",
        "email",
        "accreditations",
        "minimum_age",
        "maximum_age",
        "phones",
        "contacts",
        "schedules",
        "languages",
        "service_areas",
        "service_at_locations",
        "attributes",
        "application_process",
        "interpretation_services",
        "fees",
        "fees_description",
        "wait_time",
    ]:
        assert absent not in body
    assert "website" not in body["organization"]


@pytest.mark.parametrize(
    ("groups", "minimum", "maximum"),
    [
        (["children-and-young-people"], 0, 17),
        (["adults"], 18, None),
        (["children-and-young-people", "adults"], 0, None),
        ([], None, None),
    ],
)
def test_ages_come_from_the_age_groups(api, make_listing, groups, minimum, maximum):
    listing = make_listing(age_groups=groups)

    for body in (api(f"/services/{listing.uuid}"), api("/services")["contents"][0]):
        assert body.get("minimum_age") == minimum
        assert body.get("maximum_age") == maximum


def test_search_finds_services_by_their_words(api, make_listing):
    letters = make_listing(name="Letters of apology", summary="Writing to the person harmed.")
    make_listing(name="Neighbour mediation", summary="Disputes between neighbours.")

    assert ids(api("/services", search="apology")) == {str(letters.uuid)}
    assert ids(api("/services", search="zzqxxv")) == set()


def test_filter_by_taxonomy_term_and_taxonomy(api, make_listing):
    schools = make_listing(settings=["schools"])
    prisons = make_listing(settings=["prisons"])
    no_setting = make_listing(settings=[])
    term = Term.objects.get(vocabulary="setting", slug="schools")
    setting_taxonomy = api(f"/taxonomy_terms/{term.uuid}")["taxonomy_id"]

    assert ids(api("/services", taxonomy_term_id=str(term.uuid))) == {str(schools.uuid)}
    assert ids(api("/services", taxonomy_id=setting_taxonomy)) == {
        str(schools.uuid),
        str(prisons.uuid),
    }
    assert str(no_setting.uuid) in ids(api("/services"))
    # Well-formed ids that name nothing match nothing.
    assert api("/services", taxonomy_term_id=str(uuid.uuid4()))["total_items"] == 0
    assert api("/services", taxonomy_id=str(uuid.uuid4()))["total_items"] == 0


def test_filter_by_organisation_and_modification_time(api, make_listing):
    old = make_listing()
    new = make_listing()
    Listing.objects.filter(pk=old.pk).update(updated=timezone.now() - timedelta(days=30))
    since = (timezone.now() - timedelta(days=1)).isoformat()

    assert ids(api("/services", modified_after=since)) == {str(new.uuid)}
    assert ids(api("/services", organization_id=str(old.organisation.uuid))) == {str(old.uuid)}
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert ids(api("/services", modified_after=day)) == {str(new.uuid)}


def test_filter_by_age_as_the_standard_words_it(api, make_listing):
    young = make_listing(age_groups=["children-and-young-people"])
    adults = make_listing(age_groups=["adults"])
    make_listing(age_groups=["children-and-young-people", "adults"])

    assert ids(api("/services", minimum_age="18")) == {str(adults.uuid)}
    assert ids(api("/services", maximum_age="17")) == {str(young.uuid)}
    assert ids(api("/services", minimum_age="0", maximum_age="17.5")) == {str(young.uuid)}


def test_filters_combine_with_and(api, make_listing):
    both = make_listing(name="Schools mediation", settings=["schools"], age_groups=["adults"])
    make_listing(name="Schools mediation two", settings=["schools"], age_groups=[])
    make_listing(name="Prison mediation", settings=["prisons"], age_groups=["adults"])
    term = Term.objects.get(vocabulary="setting", slug="schools")

    body = api("/services", taxonomy_term_id=str(term.uuid), minimum_age="18", search="mediation")
    assert ids(body) == {str(both.uuid)}


def test_paging(api, make_listing):
    for _ in range(7):
        make_listing()

    first = api("/services", per_page="3")
    assert (first["total_items"], first["total_pages"], first["page_number"]) == (7, 3, 1)
    assert (first["size"], first["first_page"], first["last_page"], first["empty"]) == (
        3,
        True,
        False,
        False,
    )
    last = api("/services", per_page="3", page="3")
    assert (last["size"], last["first_page"], last["last_page"]) == (1, False, True)
    beyond = api("/services", per_page="3", page="4")
    assert (beyond["contents"], beyond["empty"], beyond["last_page"]) == ([], True, True)
    every = [api("/services", per_page="3", page=str(n)) for n in (1, 2, 3)]
    assert len(set().union(*map(ids, every))) == 7


def test_page_size_defaults_to_50_and_is_capped_at_100(api, make_listing, settings):
    from directory.models import Organisation

    organisation = Organisation.objects.create(name="Many", slug="many", kind="statutory")
    Listing.objects.bulk_create(
        Listing(name=f"S {n}", slug=f"s-{n}", organisation=organisation, status="published")
        for n in range(120)
    )
    assert api("/services")["size"] == 50
    assert api("/services", per_page="1000")["size"] == 100
    assert api("/services", per_page="1000")["total_pages"] == 2


def test_an_empty_directory_is_one_empty_page(api, db):
    body = api("/services")
    assert body == {
        "total_items": 0,
        "total_pages": 1,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


def test_trailing_slashes_are_accepted(api, make_listing):
    listing = make_listing()
    assert api("/services/")["total_items"] == 1
    assert api(f"/services/{listing.uuid}/")["id"] == str(listing.uuid)
