"""A listing with no way to get in touch at all cannot be published, and the admin says why."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from directory import contacts, services
from directory.models import Listing, Term

from .admin_forms import listing_form_data, phone, share_routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

CHANGELIST = "/admin/directory/listing/"
REVIEW = "/admin/directory/listing/review/"


def change_url(listing):
    return reverse("admin:directory_listing_change", args=[listing.pk])


def body(response):
    return response.content.decode()


def status_of(listing):
    return Listing.objects.get(pk=listing.pk).status


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The service --------------------------------------------------------------------


def test_publishing_refuses_a_listing_with_no_way_to_get_in_touch_and_says_why(
    staff_user, draft_a, make_listing, org_b
):
    reachable = make_listing(
        organisation=org_b, status="draft", contact_routes=[phone("0115 496 0200")]
    )
    versions = draft_a.history.count()

    result = services.listings_set_status(
        listings=Listing.objects.filter(pk__in=[draft_a.pk, reachable.pk]),
        status=Listing.Status.PUBLISHED,
        by=staff_user,
    )

    assert result.changed == 1
    assert status_of(reachable) == Listing.Status.PUBLISHED
    ((refused, why),) = result.refused
    assert refused == draft_a
    assert "no way to get in touch" in why
    assert "Alder Mediation has no shared ones" in why
    assert status_of(draft_a) == Listing.Status.DRAFT
    assert draft_a.history.count() == versions


def test_the_organisations_shared_routes_are_enough_to_publish(staff_user, draft_a, org_a):
    share_routes(org_a, [{"kind": "website", "value": "https://alder.example"}])

    result = services.listings_set_status(
        listings=Listing.objects.filter(pk=draft_a.pk), status="published", by=staff_user
    )

    assert (result.changed, result.refused) == (1, [])
    assert status_of(draft_a) == Listing.Status.PUBLISHED


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_unpublishing_and_archiving_need_no_way_to_get_in_touch(staff_user, listing_a, status):
    result = services.listings_set_status(
        listings=Listing.objects.filter(pk=listing_a.pk), status=status, by=staff_user
    )

    assert (result.changed, result.refused) == (1, [])
    assert status_of(listing_a) == status


# --- The staff action -------------------------------------------------------------------


def test_the_publish_action_publishes_the_others_and_names_those_it_refused(
    as_staff, draft_a, draft_b, make_listing, org_a
):
    ready = make_listing(
        name="Alder Ready",
        organisation=org_a,
        status="draft",
        contact_routes=[phone("0116 496 0300")],
    )
    data = {
        "action": "publish",
        "_selected_action": [draft_a.pk, draft_b.pk, ready.pk],
        "index": "0",
    }

    response = as_staff.post(CHANGELIST, data, follow=True)

    assert status_of(ready) == Listing.Status.PUBLISHED
    assert status_of(draft_a) == status_of(draft_b) == Listing.Status.DRAFT
    said = messages_of(response)
    assert "Published 1 listing." in said
    refusals = [m for m in said if "was not published" in m]
    assert len(refusals) == 2
    assert any(
        m.startswith(f"“{draft_a.name}” was not published. It has no way to get in touch")
        for m in refusals
    )
    assert any(f"“{draft_b.name}” was not published." in m for m in refusals)
    assert f"“{draft_b.name}” was not published." in body(response)


# --- The change form --------------------------------------------------------------------


def test_the_status_field_says_why_the_listing_cannot_be_published(as_staff, draft_a):
    form = as_staff.get(change_url(draft_a)).context["adminform"].form

    help_text = form.fields["status"].help_text
    assert help_text.startswith("This listing cannot be published yet. It has no way")
    assert help_text in body(as_staff.get(change_url(draft_a)))


def test_the_status_field_has_no_warning_when_the_listing_can_be_published(
    as_staff, draft_a, org_a
):
    share_routes(org_a, [phone("0116 496 0100")])

    form = as_staff.get(change_url(draft_a)).context["adminform"].form

    assert "cannot be published" not in form.fields["status"].help_text


def test_staff_cannot_save_a_listing_as_published_without_a_way_to_get_in_touch(
    as_staff, draft_a, state_of
):
    before = state_of(draft_a)

    response = as_staff.post(change_url(draft_a), listing_form_data(draft_a, status="published"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["status"]
    assert errors[0].startswith("This listing cannot be published. It has no way to get in touch")
    assert state_of(draft_a) == before


def test_staff_publish_a_listing_with_the_way_to_get_in_touch_added_in_the_same_save(
    as_staff, draft_a
):
    data = listing_form_data(draft_a, status="published", contact_routes=[phone("0116 496 0300")])

    assert as_staff.post(change_url(draft_a), data).status_code == 302

    assert status_of(draft_a) == Listing.Status.PUBLISHED


def test_an_editor_cannot_take_away_the_last_way_to_get_in_touch_of_a_published_listing(
    as_editor_a, listing_a, state_of
):
    listing_a.contact_routes = [phone("0116 496 0999")]
    listing_a.save()
    before = state_of(listing_a)

    response = as_editor_a.post(
        change_url(listing_a), listing_form_data(listing_a, contact_routes=[])
    )

    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["contact_routes"]
    assert "on the public site, so it must keep at least one way to get in touch" in error
    assert state_of(listing_a) == before


def test_an_editor_may_drop_their_own_route_when_the_organisation_shares_one(
    as_editor_a, listing_a, org_a
):
    share_routes(org_a, [phone("0116 496 0100")])
    listing_a.contact_routes = [phone("0116 496 0999")]
    listing_a.save()

    response = as_editor_a.post(
        change_url(listing_a), listing_form_data(listing_a, contact_routes=[])
    )

    assert response.status_code == 302
    assert Listing.objects.get(pk=listing_a.pk).contact_routes == []


def test_an_editor_is_told_why_their_draft_cannot_be_published_yet(as_editor_a, draft_a):
    page = body(as_editor_a.get(change_url(draft_a)))

    assert "Draft. Forum staff cannot publish it yet. It has no way to get in touch" in page


def test_an_editor_may_save_a_draft_with_no_way_to_get_in_touch(as_editor_a, draft_a):
    data = listing_form_data(draft_a, summary="Still being written.")

    assert as_editor_a.post(change_url(draft_a), data).status_code == 302


# --- Review queue and revert ------------------------------------------------------------


def test_a_changed_phone_number_is_shown_old_to_new_and_a_revert_brings_it_back(
    staff_user, editor_a, listing_a
):
    old = [phone("0116 496 0111", hours="9am to 5pm")]
    listing_a.contact_routes = old
    listing_a.save()
    services.listing_mark_reviewed(listing=listing_a, by=staff_user)
    reviewed = services.review_baseline(listing_a)
    editor, staff = Client(), Client()
    editor.force_login(editor_a)
    staff.force_login(staff_user)

    data = listing_form_data(listing_a, contact_routes=[phone("0116 496 0222", hours="9am to 5pm")])
    assert editor.post(change_url(listing_a), data).status_code == 302
    (item,) = staff.get(REVIEW).context["queue"]
    revert = reverse("admin:directory_listing_revert", args=[listing_a.pk, reviewed.history_id])
    staff.post(revert)

    new = [phone("0116 496 0222", hours="9am to 5pm")]
    assert ("Ways to get in touch", contacts.to_text(old), contacts.to_text(new)) in item["changes"]
    assert "0116 496 0111" in contacts.to_text(old)
    assert Listing.objects.get(pk=listing_a.pk).contact_routes == old


def test_sources_are_shown_one_line_each_in_the_review_queue(staff_user, listing_a):
    listing_a.history.update(needs_review=False)
    baseline = services.review_baseline(listing_a)
    listing_a.sources = [
        {"kind": "document", "date": "2021-03-31", "title": "Forum briefing"},
        {"kind": "survey", "date": "2023-06-01"},
    ]
    listing_a.needs_review = True
    listing_a.save()

    changes = dict(
        (label, (before, after))
        for label, before, after in services.listing_changes(listing_a, since=baseline)
    )

    assert changes["Where the information came from"] == (
        "—",
        "document | 2021-03-31 | Forum briefing\nsurvey | 2023-06-01",
    )


def test_a_revert_that_would_leave_a_published_listing_unreachable_is_refused(
    as_staff, staff_user, listing_a, state_of
):
    first = listing_a.history.order_by("history_date", "history_id").first()
    listing_a.contact_routes = [phone("0116 496 0999")]
    listing_a.save()
    before = state_of(listing_a)
    url = reverse("admin:directory_listing_revert", args=[listing_a.pk, first.history_id])

    with pytest.raises(ValidationError):
        services.listing_revert(listing=listing_a, record=first, by=staff_user)
    response = as_staff.post(url, follow=True)

    assert response.status_code == 200
    assert any("no way to get in touch" in m for m in messages_of(response))
    assert state_of(listing_a) == before


def test_a_published_listing_with_no_way_to_get_in_touch_says_so(editor_a, staff_user, listing_a):
    editor, staff = Client(), Client()
    editor.force_login(editor_a)
    staff.force_login(staff_user)

    editor_page = body(editor.get(change_url(listing_a)))
    form = staff.get(change_url(listing_a)).context["adminform"].form

    assert "Published. It has no way to get in touch" in editor_page
    assert form.fields["status"].help_text.startswith(
        "This listing cannot stay published. It has no way"
    )


def test_an_offence_cannot_be_ticked_as_both_taken_on_and_not_taken_on(
    client, staff_user, listing_a
):
    burglary = Term.objects.get(vocabulary="offence_type", slug="burglary")
    client.force_login(staff_user)
    data = listing_form_data(
        listing_a,
        contact_routes=[phone("0116 496 0100")],
        status=listing_a.status,
        last_checked=listing_a.last_checked.isoformat(),
        offence_types=[burglary.pk],
        excluded_offence_types=[burglary.pk],
    )
    response = client.post(change_url(listing_a), data)
    assert response.status_code == 200
    assert "Burglary cannot be both taken on and not taken on" in body(response)
    assert not Listing.objects.get(pk=listing_a.pk).offence_types.exists()
