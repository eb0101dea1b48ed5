"""The sample data loads, is valid and holds only real services; with the fictional
demonstration listings (generate_listings --demonstration) it exercises every filter."""

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from directory import contacts, vocabularies
from directory.models import Area, Listing, Organisation, Term

pytestmark = pytest.mark.django_db

FICTIONAL = "fictional"
# The only contact detail the reference documents give for a real service.
DOCUMENTED_PHONE = "0800 612 6505"
# The documented number and text short code of Derbyshire Victim Services.
DOCUMENTED_ROUTES = {("phone", DOCUMENTED_PHONE), ("text", "82228")}
# Domains reserved for examples (RFC 2606): mail and links there reach no one.
RESERVED_DOMAINS = {"example.org", "example.com"}
# The services the documented phone and text number are given for.
DOCUMENTED_ROUTE_SERVICES = {"derbyshire-victim-services", "got-your-back-derbyshire"}
# The reference documents' dates: the D2N2 news post, and the forum's undated 2020
# briefing at the earliest day its text allows.
DOCUMENT_DATES = {"2019-09-30", "2020-03-01"}
# Services the documents say almost nothing about: they may claim nothing more.
BARELY_DOCUMENTED = [
    "remedi-restorative-justice-derby-and-derbyshire",
    "victim-care-restorative-justice-nottinghamshire",
]


@pytest.fixture
def sample_data(db):
    call_command("load_sample_data", verbosity=0)


def test_sample_data_loads_areas_organisations_and_published_listings(sample_data):
    assert Area.objects.count() == 45
    assert Organisation.objects.count() >= 7
    assert Listing.objects.published().count() >= 11


def test_loading_the_sample_data_twice_changes_nothing(sample_data):
    before = (Area.objects.count(), Organisation.objects.count(), Listing.objects.count())
    call_command("loaddata", "areas", "sample_services", verbosity=0)
    after = (Area.objects.count(), Organisation.objects.count(), Listing.objects.count())
    assert after == before


def test_every_sample_listing_and_organisation_has_a_first_version_in_its_history(sample_data):
    for model in (Listing, Organisation):
        for obj in model.objects.all():
            assert obj.history.exists(), obj


def test_every_area_sits_inside_the_east_midlands(sample_data):
    region = Area.objects.get(slug="east-midlands")
    for area in Area.objects.with_parents().exclude(pk=region.pk):
        assert area.ancestors()[-1] == region, area


@pytest.mark.parametrize(
    "name",
    [
        "Victim First",
        "Leicestershire Police",
        "Probation",
        "Leicester Children and Young People",
        "Leicestershire and Rutland youth offending team",
        "Family Group Conference",
        "Remedi",
        "Derbyshire Victim Services",
        "Got Your Back",
        "Victim CARE",
    ],
)
def test_every_service_in_the_reference_documents_is_listed(sample_data, name):
    assert Listing.objects.published().filter(name__icontains=name).exists()


def test_the_sample_data_holds_no_fictional_or_example_record(sample_data):
    for model in (Organisation, Listing):
        for obj in model.objects.all():
            assert FICTIONAL not in obj.name.lower(), obj
            assert not obj.slug.startswith("example-"), obj


def test_every_vocabulary_term_is_used_by_a_sample_or_demonstration_listing(
    sample_data, demonstration_listings
):
    fields = vocabularies.FIELD_NAMES
    published = Listing.objects.published()
    for term in Term.objects.all():
        assert any(published.filter(**{field: term}).exists() for field in fields), term


def test_every_organisation_kind_accreditation_and_self_referral_value_is_used(
    sample_data, demonstration_listings
):
    published = Listing.objects.published()
    for kind in Organisation.Kind.values:
        assert published.filter(organisation__kind=kind).exists(), kind
    for accreditation in Listing.Accreditation.values:
        assert published.filter(accreditation=accreditation).exists(), accreditation
    for name in ("interpreters", "cost"):
        for value, _ in Listing._meta.get_field(name).choices:
            assert published.filter(**{name: value}).exists(), (name, value)
    assert published.filter(self_referral=True).exists()
    assert published.filter(self_referral=False).exists()


def test_every_sample_and_demonstration_record_passes_model_validation(
    sample_data, demonstration_listings
):
    for obj in [*Organisation.objects.all(), *Listing.objects.all(), *Area.objects.all()]:
        obj.full_clean()


def test_real_services_carry_no_contact_details_beyond_the_documented_phone(sample_data):
    for listing in Listing.objects.all():
        assert listing.address == "", listing
        for route in listing.routes():
            # Only the documented phone number, or who to ask: nothing invented.
            assert (route.kind, route.value) in DOCUMENTED_ROUTES or (
                route.kind == "ask_professional" and not route.value
            ), (listing, route)
    for organisation in Organisation.objects.all():
        assert organisation.website == "", organisation


def test_every_published_real_service_says_how_to_get_in_touch(sample_data):
    for listing in Listing.objects.published():
        assert listing.has_route, listing


def test_real_services_say_where_their_facts_came_from_and_when(sample_data):
    for listing in Listing.objects.all():
        assert listing.sources, listing
        days = {source["date"] for source in listing.sources}
        # Last checked is the date of the newest document the facts came from.
        assert listing.last_checked.isoformat() == max(days), listing


def test_real_services_are_dated_by_the_reference_documents_they_come_from(sample_data):
    for listing in Listing.objects.all():
        for source in listing.sources:
            assert source["kind"] == "document", listing
            assert source["date"] in DOCUMENT_DATES, listing


def test_only_the_services_it_is_documented_for_give_the_phone_and_text_number(sample_data):
    numbered = {
        listing.slug
        for listing in Listing.objects.all()
        if any(route.kind in ("phone", "text") for route in listing.routes())
    }
    assert numbered == DOCUMENTED_ROUTE_SERVICES
    for organisation in Organisation.objects.all():
        assert organisation.contact_routes == [], organisation


def test_no_real_service_claims_a_complex_or_sensitive_case_type(sample_data):
    # None of the documents says a service assesses and takes such cases.
    assert not Listing.objects.filter(case_types__isnull=False).exists()


def test_probation_is_listed_only_where_the_briefing_describes_it(sample_data):
    listing = Listing.objects.get(slug="probation-restorative-justice-dlnr")
    assert [area.slug for area in listing.areas.all()] == ["leicester-leicestershire-and-rutland"]
    assert "Derbyshire" not in listing.name
    assert "Nottinghamshire" not in listing.name


def test_victim_first_claims_no_age_group_the_briefing_does_not_give(sample_data):
    listing = Listing.objects.get(slug="victim-first-restorative-justice")
    assert not listing.age_groups.exists()


@pytest.mark.parametrize("slug", BARELY_DOCUMENTED)
def test_a_barely_documented_service_claims_nothing_the_documents_do_not_say(sample_data, slug):
    listing = Listing.objects.get(slug=slug)
    assert not listing.self_referral
    for field in vocabularies.FIELD_NAMES:
        assert not getattr(listing, field).exists(), field
    assert [route.kind for route in listing.routes()] == ["ask_professional"]
    assert listing.organisation.kind != Organisation.Kind.COMMISSIONED


def test_the_free_text_of_real_services_holds_no_contact_details(sample_data):
    for listing in Listing.objects.all():
        for text in (listing.summary, listing.description, listing.how_to_refer):
            assert not contacts.PHONE_IN_TEXT.search(text), listing
            assert not contacts.EMAIL_IN_TEXT.search(text), listing


def test_demonstration_listings_say_they_are_fictional_in_their_name_and_summary(
    demonstration_listings,
):
    assert demonstration_listings.count() == 3
    for listing in demonstration_listings:
        assert FICTIONAL in listing.name.lower()
        assert FICTIONAL in listing.summary.lower()
        assert FICTIONAL in listing.organisation.name.lower()


def test_demonstration_listings_use_only_contact_details_that_reach_no_one(
    demonstration_listings,
):
    kinds = set()
    for listing in demonstration_listings:
        for route in listing.routes():
            kinds.add(route.kind)
            if route.kind == "phone":
                assert route.value.startswith("01632 960"), listing  # Ofcom's drama numbers
            elif route.kind == "text":
                assert route.value.startswith("07700 900"), listing  # Ofcom's drama mobiles
            elif route.kind == "email":
                assert route.value.rpartition("@")[2] in RESERVED_DOMAINS, listing
            elif route.kind in ("website", "referral_form"):
                assert urlsplit(route.value).hostname in RESERVED_DOMAINS, listing
    assert urlsplit(listing.organisation.website).hostname in RESERVED_DOMAINS
    # Between them they show every kind of route.
    assert kinds == set(contacts.KINDS)
