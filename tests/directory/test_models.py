from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from directory.models import Listing, months_before
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


def test_a_listing_with_no_routes_of_its_own_or_its_organisations_has_no_route(make_listing):
    assert make_listing().has_route is False


def test_a_listing_with_only_an_email_has_a_route(make_listing):
    listing = make_listing(contact_routes=[{"kind": "email", "value": "team@example.org"}])
    assert listing.has_route is True
    assert [route.kind for route in listing.routes()] == ["email"]


def test_a_listing_inherits_its_organisations_routes_of_the_kinds_it_does_not_give(
    make_listing, make_organisation
):
    organisation = make_organisation(
        contact_routes=[
            {"kind": "phone", "value": "0116 496 0000", "hours": "Weekdays, 9am to 5pm"},
            {"kind": "email", "value": "shared@example.org"},
        ]
    )
    listing = make_listing(
        organisation=organisation,
        contact_routes=[{"kind": "phone", "value": "0116 496 0999", "for": "professionals"}],
    )
    routes = listing.routes()
    assert [(route.kind, route.value) for route in routes] == [
        ("phone", "0116 496 0999"),
        ("email", "shared@example.org"),
    ]
    assert [route.value for route in listing.public_routes()] == ["shared@example.org"]
    assert [route.value for route in listing.professional_routes()] == ["0116 496 0999"]
    # One change to the organisation reaches every listing that inherits it.
    organisation.contact_routes = [{"kind": "email", "value": "new@example.org"}]
    organisation.save()
    listing.refresh_from_db()
    assert [route.value for route in listing.routes()] == ["0116 496 0999", "new@example.org"]


@pytest.mark.parametrize("field", ["summary", "description", "how_to_refer"])
@pytest.mark.parametrize("text", ["Ring 0116 496 0123 to ask.", "Email rj@example.org to ask."])
def test_contact_details_typed_into_free_text_are_refused(make_listing, field, text):
    listing = make_listing()
    setattr(listing, field, text)
    with pytest.raises(ValidationError) as error:
        listing.full_clean()
    assert "Ways to get in touch" in str(error.value.message_dict[field])


def test_a_year_without_a_check_makes_a_listing_stale_for_the_public(make_listing):
    today = timezone.localdate()
    listing = make_listing(last_checked=months_before(today, 12) - timedelta(days=1))
    assert listing.is_stale and listing.needs_checking
    listing.last_checked = months_before(today, 12)
    assert not listing.is_stale
    listing.last_checked = months_before(today, 7)
    assert listing.needs_checking and not listing.is_stale
