import pytest
from django.core.management import CommandError, call_command

from directory.models import Listing, Organisation

from ..conftest import DEMONSTRATION_ORGANISATION

pytestmark = pytest.mark.django_db


def test_generate_listings_creates_that_many_published_fictional_listings(areas):
    call_command("generate_listings", "25", verbosity=0)
    generated = Listing.objects.published().filter(slug__startswith="fictional-")
    assert generated.count() == 25
    assert all("(fictional)" in listing.name for listing in generated)


def test_generated_listings_have_areas_audiences_and_delivery_modes(areas):
    call_command("generate_listings", "10", verbosity=0)
    for listing in Listing.objects.all():
        assert listing.areas.exists()
        assert listing.audiences.exists()
        assert listing.delivery_modes.exists()
        listing.full_clean()


def test_running_generate_listings_again_adds_more_without_clashing(areas):
    call_command("generate_listings", "5", verbosity=0)
    call_command("generate_listings", "5", verbosity=0)
    assert Listing.objects.count() == 10


def test_generate_listings_can_create_drafts(areas):
    call_command("generate_listings", "3", status="draft", verbosity=0)
    assert not Listing.objects.published().exists()


def test_generate_listings_needs_areas_first(db):
    with pytest.raises(CommandError, match="areas"):
        call_command("generate_listings", "3", verbosity=0)


@pytest.mark.parametrize("count", ["0", "-4", "1000000"])
def test_generate_listings_refuses_an_unreasonable_count(areas, count):
    with pytest.raises(CommandError, match="between"):
        call_command("generate_listings", count, verbosity=0)


def test_generate_listings_needs_a_count_or_demonstration(areas):
    with pytest.raises(CommandError, match="demonstration"):
        call_command("generate_listings", verbosity=0)


def test_generate_listings_adds_the_demonstration_listings_with_a_first_version(db):
    call_command("loaddata", "areas", verbosity=0)
    call_command("generate_listings", "--demonstration", verbosity=0)
    demonstration = Listing.objects.filter(organisation__slug=DEMONSTRATION_ORGANISATION)
    assert demonstration.count() == Listing.objects.count() == 3  # and nothing generated
    for listing in demonstration:
        assert listing.history.exists()
    organisation = Organisation.objects.get(slug=DEMONSTRATION_ORGANISATION)
    assert organisation.history.get().history_change_reason == "Loaded from the demonstration data"


def test_adding_the_demonstration_listings_again_changes_nothing(db):
    call_command("loaddata", "areas", verbosity=0)
    call_command("generate_listings", "--demonstration", verbosity=0)
    before = (Listing.objects.count(), Listing.history.count(), Organisation.history.count())
    call_command("generate_listings", "--demonstration", verbosity=0)
    after = (Listing.objects.count(), Listing.history.count(), Organisation.history.count())
    assert after == before


def test_adding_the_demonstration_listings_leaves_generated_listings_without_history(areas):
    call_command("generate_listings", "4", verbosity=0)
    call_command("generate_listings", "--demonstration", verbosity=0)
    generated = Listing.objects.filter(slug__startswith="fictional-")
    assert generated.count() == 4
    assert not Listing.history.filter(id__in=generated.values("id")).exists()
    assert Listing.objects.filter(organisation__slug=DEMONSTRATION_ORGANISATION).count() == 3
