"""The sample data loads, is valid, and exercises every filter."""

import pytest
from django.core.management import call_command

from directory.models import Area, Listing, Organisation, Term

pytestmark = pytest.mark.django_db

FICTIONAL = "fictional"
# The only contact detail the reference documents give for a real service.
DOCUMENTED_PHONE = "0800 612 6505"


@pytest.fixture
def sample_data(db):
    call_command("load_sample_data", verbosity=0)


def test_sample_data_loads_areas_organisations_and_published_listings(sample_data):
    assert Area.objects.count() == 45
    assert Organisation.objects.count() >= 8
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


def test_every_vocabulary_term_is_used_by_a_published_listing(sample_data):
    fields = ["audiences", "age_groups", "delivery_modes", "settings", "case_types"]
    published = Listing.objects.published()
    for term in Term.objects.all():
        assert any(published.filter(**{field: term}).exists() for field in fields), term


def test_every_organisation_kind_accreditation_and_self_referral_value_is_used(sample_data):
    published = Listing.objects.published()
    for kind in Organisation.Kind.values:
        assert published.filter(organisation__kind=kind).exists(), kind
    for accreditation in Listing.Accreditation.values:
        assert published.filter(accreditation=accreditation).exists(), accreditation
    assert published.filter(self_referral=True).exists()
    assert published.filter(self_referral=False).exists()


def test_every_sample_record_passes_model_validation(sample_data):
    for obj in [*Organisation.objects.all(), *Listing.objects.all(), *Area.objects.all()]:
        obj.full_clean()


def test_real_services_carry_no_contact_details_beyond_the_documented_phone(sample_data):
    real = Listing.objects.exclude(name__icontains=FICTIONAL)
    for listing in real:
        assert listing.email == "", listing
        assert listing.website == "", listing
        assert listing.address == "", listing
        assert listing.referral_form_url == "", listing
        assert listing.phone in ("", DOCUMENTED_PHONE), listing
    for organisation in Organisation.objects.exclude(name__icontains=FICTIONAL):
        assert organisation.website == "", organisation


def test_fictional_listings_say_so_in_their_name_and_summary(sample_data):
    for listing in Listing.objects.filter(organisation__name__icontains=FICTIONAL):
        assert FICTIONAL in listing.name.lower()
        assert FICTIONAL in listing.summary.lower()
