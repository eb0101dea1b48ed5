import pytest

from directory.models import Listing
from tests.conftest import term

pytestmark = pytest.mark.django_db


def test_area_lineage_runs_from_the_area_up_to_the_region(areas):
    assert areas["rutland"].lineage() == [areas["rutland"], areas["llr"], areas["region"]]


def test_region_has_no_ancestors(areas):
    assert areas["region"].ancestors() == []


def test_filtering_by_an_area_finds_services_covering_that_area(areas, make_listing):
    rutland_only = make_listing(areas=[areas["rutland"]])
    assert list(Listing.objects.in_area(areas["rutland"])) == [rutland_only]


def test_filtering_by_an_area_finds_services_covering_the_larger_areas_around_it(
    areas, make_listing
):
    llr = make_listing(areas=[areas["llr"]])
    region = make_listing(areas=[areas["region"]])
    found = set(Listing.objects.in_area(areas["rutland"]))
    assert found == {llr, region}


def test_filtering_by_an_area_leaves_out_neighbouring_areas(areas, make_listing):
    make_listing(areas=[areas["leicester"]])
    make_listing(areas=[areas["derby"]])
    assert not Listing.objects.in_area(areas["rutland"]).exists()


def test_filtering_by_a_larger_area_includes_services_covering_only_part_of_it(areas, make_listing):
    leicester = make_listing(areas=[areas["leicester"]])
    assert list(Listing.objects.in_area(areas["llr"])) == [leicester]


def test_filtering_by_an_area_leaves_out_services_for_a_sibling_area(areas, make_listing):
    make_listing(areas=[areas["leicester"]])
    assert not Listing.objects.in_area(areas["rutland"]).exists()


def test_a_listing_covering_several_matching_areas_appears_once(areas, make_listing):
    make_listing(areas=[areas["rutland"], areas["llr"], areas["region"]])
    assert Listing.objects.in_area(areas["rutland"]).count() == 1


def test_published_hides_drafts_and_archived_listings(make_listing):
    published = make_listing()
    make_listing(status=Listing.Status.DRAFT)
    make_listing(status=Listing.Status.ARCHIVED)
    assert list(Listing.objects.published()) == [published]


def test_the_default_manager_hides_nothing(make_listing):
    make_listing(status=Listing.Status.DRAFT)
    make_listing(status=Listing.Status.ARCHIVED)
    assert Listing.objects.count() == 2


def test_offering_matches_any_of_the_given_delivery_modes(make_listing):
    letters = make_listing(modes=["letter-writing"])
    video = make_listing(modes=["video-or-phone"])
    make_listing(modes=["face-to-face-conference"])
    found = set(
        Listing.objects.offering(
            term("delivery_mode", "letter-writing"), term("delivery_mode", "video-or-phone")
        )
    )
    assert found == {letters, video}


def test_listing_url_uses_its_slug(make_listing):
    listing = make_listing(slug="victim-first")
    assert listing.get_absolute_url() == "/services/victim-first/"


def test_every_listing_and_organisation_gets_its_own_uuid(make_listing):
    first, second = make_listing(), make_listing()
    assert first.uuid != second.uuid
    assert first.organisation.uuid != second.organisation.uuid


def test_has_contact_details_is_false_when_every_contact_field_is_blank(make_listing):
    assert make_listing().has_contact_details is False


def test_has_contact_details_is_true_with_only_an_email(make_listing):
    assert make_listing(email="team@example.org").has_contact_details is True
