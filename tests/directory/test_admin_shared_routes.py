"""Provider editors keep their organisation's shared ways to get in touch, and nothing
else about any organisation."""

import pytest
from django.test import Client
from django.urls import reverse

from directory.models import Listing, Organisation
from sitecache.version import current_version

from .admin_forms import phone, share_routes, shared_routes_data
from .conftest import B_MARK

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def shared_url(organisation, listing=None):
    url = reverse("admin:directory_listing_shared_routes", args=[organisation.pk])
    return f"{url}?listing={listing.pk}" if listing else url


def body(response):
    return response.content.decode()


def organisation_state(organisation):
    fresh = Organisation.objects.get(pk=organisation.pk)
    return {
        "name": fresh.name,
        "slug": fresh.slug,
        "kind": fresh.kind,
        "description": fresh.description,
        "website": fresh.website,
        "contact_routes": fresh.contact_routes,
        "editors": sorted(fresh.editors.values_list("pk", flat=True)),
        "history": fresh.history.count(),
    }


def routes_post(routes, organisation, **extra):
    """The shared page's POST data for ``organisation``, as a page loaded now sends it."""
    return shared_routes_data(organisation, routes, **extra)


def test_the_listing_form_links_to_the_shared_page_not_the_organisation_admin(
    as_editor_a, listing_a, org_a
):
    page = body(as_editor_a.get(f"/admin/directory/listing/{listing_a.pk}/change/"))

    assert f'href="{shared_url(org_a)}?listing={listing_a.pk}"' in page
    assert "/admin/directory/organisation/" not in page


def test_an_editor_opens_their_organisations_shared_page(as_editor_a, listing_a, org_a):
    share_routes(org_a, [phone("0116 496 0100")])

    response = as_editor_a.get(shared_url(org_a, listing_a))

    assert response.status_code == 200
    page = body(response)
    assert "Shared ways to get in touch for Alder Mediation" in page
    assert 'value="0116 496 0100"' in page
    assert listing_a.name in page
    assert f'href="/admin/directory/listing/{listing_a.pk}/change/" class="button cancel-link"' in (
        page
    )


def test_an_editor_changes_the_shared_routes_recorded_with_who_did_it(
    as_editor_a, editor_a, listing_a, org_a
):
    before = organisation_state(org_a)

    response = as_editor_a.post(
        shared_url(org_a, listing_a),
        routes_post([phone("0116 496 0123", hours="Monday to Friday")], org_a),
    )

    assert response.status_code == 302
    assert response.url == f"/admin/directory/listing/{listing_a.pk}/change/"
    after = organisation_state(org_a)
    assert after["contact_routes"] == [
        {"kind": "phone", "value": "0116 496 0123", "hours": "Monday to Friday"}
    ]
    assert {k: v for k, v in after.items() if k not in ("contact_routes", "history")} == {
        k: v for k, v in before.items() if k not in ("contact_routes", "history")
    }
    latest = org_a.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == editor_a
    assert latest.history_change_reason == "Shared ways to get in touch changed"
    assert latest.contact_routes == after["contact_routes"]


def test_the_public_page_shows_the_new_shared_number_at_once(as_editor_a, listing_a, org_a, client):
    share_routes(org_a, [phone("0116 496 0100")])
    visitor = Client()
    assert "0116 496 0100" in body(visitor.get(listing_a.get_absolute_url()))
    version = current_version()

    as_editor_a.post(shared_url(org_a), routes_post([phone("0116 496 0123")], org_a))

    assert current_version() != version
    page = body(visitor.get(listing_a.get_absolute_url()))
    assert "0116 496 0123" in page
    assert "0116 496 0100" not in page


@pytest.mark.parametrize(
    "tamper",
    [
        {"name": "Alder Renamed"},
        {"slug": "alder-renamed"},
        {"kind": "voluntary"},
        {"description": "Tampered"},
        {"website": "https://tampered.example"},
        {"editors": ["{editor_b}"]},
    ],
)
def test_the_shared_page_changes_nothing_but_the_routes(
    as_editor_a, listing_a, org_a, editor_b, tamper
):
    before = organisation_state(org_a)
    extra = {
        key: [v.format(editor_b=editor_b.pk) for v in value] if isinstance(value, list) else value
        for key, value in tamper.items()
    }

    data = routes_post([phone("0116 496 0123")], org_a, **extra)
    response = as_editor_a.post(shared_url(org_a), data)

    assert response.status_code == 302
    after = organisation_state(org_a)
    for key in ("name", "slug", "kind", "description", "website", "editors"):
        assert after[key] == before[key], key


def test_a_missing_organisation_answers_the_same_as_another_organisations(as_editor_a, org_b):
    missing = Organisation.objects.order_by("-pk").first().pk + 1000
    url = reverse("admin:directory_listing_shared_routes", args=[missing])

    assert as_editor_a.get(url).status_code == 404


def test_the_back_link_never_leads_to_another_organisations_listing(
    as_editor_a, org_a, listing_a, listing_b
):
    page = body(as_editor_a.get(shared_url(org_a, listing_b)))

    assert B_MARK not in page.lower()
    assert f"/admin/directory/listing/{listing_b.pk}/" not in page


def test_an_editor_of_no_organisation_reaches_no_shared_page(client, make_user, org_a):
    client.force_login(make_user("loner", group="Provider editors"))

    assert client.get(shared_url(org_a)).status_code == 404


def test_a_bad_shared_route_gets_the_validators_message(as_editor_a, org_a):
    before = organisation_state(org_a)

    response = as_editor_a.post(shared_url(org_a), routes_post([phone("ring us")], org_a))

    assert response.status_code == 200
    assert "Enter a phone number using digits" in body(response)
    assert organisation_state(org_a) == before


def test_the_last_shared_route_cannot_go_while_a_published_listing_relies_on_it(
    as_editor_a, org_a, listing_a, draft_a, make_listing
):
    share_routes(org_a, [phone("0116 496 0100")])
    make_listing(
        name="Alder Own Number", organisation=org_a, contact_routes=[phone("0116 496 0999")]
    )
    before = organisation_state(org_a)

    response = as_editor_a.post(shared_url(org_a), routes_post([], org_a))

    assert response.status_code == 200
    page = body(response)
    assert "These published listings would have no way to get in touch: “Alder Victim" in page
    assert "Alder Own Number" not in page.split("would have no way")[1].split("</ul>")[0]
    assert draft_a.name not in page.split("would have no way")[1].split("</ul>")[0]
    assert organisation_state(org_a) == before


def test_staff_use_the_shared_page_and_the_organisation_form(as_staff, org_a, listing_a):
    assert as_staff.get(shared_url(org_a)).status_code == 200
    data = {
        "name": org_a.name,
        "slug": org_a.slug,
        "kind": org_a.kind,
        **routes_post([{"kind": "email", "value": "hello@alder.example"}], org_a),
    }

    response = as_staff.post(f"/admin/directory/organisation/{org_a.pk}/change/", data)

    assert response.status_code == 302
    assert Organisation.objects.get(pk=org_a.pk).contact_routes == [
        {"kind": "email", "value": "hello@alder.example"}
    ]


def test_the_organisation_form_refuses_to_strand_a_published_listing(as_staff, org_a, listing_a):
    share_routes(org_a, [phone("0116 496 0100")])
    data = {"name": org_a.name, "slug": org_a.slug, "kind": org_a.kind, **routes_post([], org_a)}

    response = as_staff.post(f"/admin/directory/organisation/{org_a.pk}/change/", data)

    assert response.status_code == 200
    assert "would have no way to get in touch" in body(response)
    assert Organisation.objects.get(pk=org_a.pk).contact_routes == [phone("0116 496 0100")]
    assert Listing.objects.get(pk=listing_a.pk).status == "published"


def test_the_editors_listings_page_links_to_each_of_their_organisations_shared_page(
    client, make_user, org_a, org_b, make_organisation
):
    other = make_organisation(name="Cedar Circle", slug="cedar-circle")
    client.force_login(
        make_user("two-hats", group="Provider editors", organisations=[org_a, other])
    )

    page = body(client.get("/admin/directory/listing/"))

    assert f'href="{shared_url(org_a)}">Shared ways to get in touch for Alder Mediation<' in page
    assert f'href="{shared_url(other)}">Shared ways to get in touch for Cedar Circle<' in page
    assert B_MARK not in page.lower()


def test_staff_listings_page_has_no_shared_page_links(as_staff, org_a):
    assert shared_url(org_a) not in body(as_staff.get("/admin/directory/listing/"))
