"""The sample data loads, is valid and holds only real services; with the fictional
demonstration listings (generate_listings --demonstration) it exercises every filter."""

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from directory.models import Area, Listing, Organisation, Term

pytestmark = pytest.mark.django_db

FICTIONAL = "fictional"
# The only contact detail the reference documents give for a real service.
DOCUMENTED_PHONE = "0800 612 6505"
# Domains reserved for examples (RFC 2606): mail and links there reach no one.
RESERVED_DOMAINS = {"example.org", "example.com"}


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
    fields = ["audiences", "age_groups", "delivery_modes", "settings", "case_types"]
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
    assert published.filter(self_referral=True).exists()
    assert published.filter(self_referral=False).exists()


def test_every_sample_and_demonstration_record_passes_model_validation(
    sample_data, demonstration_listings
):
    for obj in [*Organisation.objects.all(), *Listing.objects.all(), *Area.objects.all()]:
        obj.full_clean()


def test_real_services_carry_no_contact_details_beyond_the_documented_phone(sample_data):
    for listing in Listing.objects.all():
        assert listing.email == "", listing
        assert listing.website == "", listing
        assert listing.address == "", listing
        assert listing.referral_form_url == "", listing
        assert listing.phone in ("", DOCUMENTED_PHONE), listing
    for organisation in Organisation.objects.all():
        assert organisation.website == "", organisation


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
    for listing in demonstration_listings:
        assert listing.phone.startswith("01632 960"), listing  # Ofcom's numbers for drama
        assert listing.email.rpartition("@")[2] in RESERVED_DOMAINS, listing
        assert urlsplit(listing.website).hostname in RESERVED_DOMAINS, listing
    assert urlsplit(listing.organisation.website).hostname in RESERVED_DOMAINS
