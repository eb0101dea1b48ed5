"""No edit is silently lost: two people saving the same listing or organisation.

Each person opens the change page and sends back exactly what a browser would
(``page_form``), with their own change. The second save is refused with a message
naming who changed what and when, nothing of the first change is lost, and saving
the form shown again keeps both changes, each in the history.
"""

import threading
import time
from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.db import connection, connections
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse

from directory import services
from directory.models import Listing, Term
from directory.roles import FORUM_STAFF

from .admin_forms import page_form, phone, rows_data

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

SOMEONE_ELSE = "Someone else changed this listing while you were editing it"


def change_url(obj):
    return reverse(f"admin:directory_{obj._meta.model_name}_change", args=[obj.pk])


def shared_url(organisation):
    return reverse("admin:directory_listing_shared_routes", args=[organisation.pk])


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture(autouse=True)
def alder_can_be_reached(org_a):
    """Alder shares a phone number, so its published listings may be saved."""
    services.organisation_set_routes(
        organisation=org_a, contact_routes=[phone("0116 496 0100")], by=None
    )


@pytest.fixture
def jo(staff_user):
    return named(staff_user, "Jo", "Bloggs")


@pytest.fixture
def sam(make_user):
    return named(make_user("second-staff", group=FORUM_STAFF), "Sam", "Patel")


@pytest.fixture
def alex(editor_a):
    return named(editor_a, "Alex", "Reed")


def top_messages(response):
    return list(response.context["adminform"].form.non_field_errors())


def field_errors(response, name):
    return list(response.context["adminform"].form.errors.get(name, []))


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def term_ids(vocabulary, *slugs):
    return [str(Term.objects.get(vocabulary=vocabulary, slug=slug).pk) for slug in slugs]


# --- Every save counts ----------------------------------------------------------------


@pytest.mark.django_db
def test_every_save_of_a_listing_or_organisation_counts(listing_a, org_a, staff_user):
    listing = fresh(listing_a)
    start = listing.version

    listing.summary = "Changed."
    listing.save()
    services.listing_confirm_checked(listing=listing, by=staff_user)  # update_fields
    services.listing_mark_reviewed(listing=listing, by=staff_user)
    services.listings_set_status(
        listings=Listing.objects.filter(pk=listing.pk), status="draft", by=staff_user
    )
    services.listing_revert(listing=fresh(listing), record=listing.history.last(), by=staff_user)

    assert fresh(listing).version == start + 5
    assert listing.version == start + 5  # read back from the database after a save
    organisation = fresh(org_a)
    services.organisation_set_routes(
        organisation=organisation, contact_routes=[phone("0116 496 0100")], by=staff_user
    )
    organisation.description = "Changed."
    organisation.save()
    assert fresh(org_a).version == 4  # one more: the shared phone above


@pytest.mark.django_db
def test_a_new_listing_starts_at_version_1_and_the_history_leaves_it_out(listing_a):
    assert fresh(listing_a).version == 1
    assert not hasattr(listing_a.history.first(), "version")


@pytest.mark.django_db
def test_the_change_form_carries_the_version_it_was_loaded_with(jo, listing_a):
    Listing.objects.filter(pk=listing_a.pk).update(version=7)

    sent = page_form(signed_in(jo).get(change_url(listing_a)), "listing_form")

    assert sent["edit_version"] == ["7"]
    assert sent["edit_base"][0].startswith('{"history":')


@pytest.mark.django_db
def test_the_admins_record_of_a_save_names_only_what_changed(jo, listing_a):
    jos = signed_in(jo)
    url = change_url(listing_a)

    jos.post(url, page_form(jos.get(url), "listing_form", summary="New."))

    assert LogEntry.objects.latest("action_time").get_change_message() == "Changed Summary."


# --- Two staff, one listing ------------------------------------------------------------


@pytest.mark.django_db
def test_the_second_save_is_refused_and_says_who_changed_what_and_when(jo, sam, listing_a):
    jos, sams = signed_in(jo), signed_in(sam)
    url = change_url(listing_a)
    jo_page, sam_page = jos.get(url), sams.get(url)

    first = jos.post(url, page_form(jo_page, "listing_form", summary="Jo's new summary."))
    second = sams.post(url, page_form(sam_page, "listing_form", description="Sam's details."))

    assert first.status_code == 302
    assert second.status_code == 200
    said = top_messages(second)
    assert said[0].startswith(SOMEONE_ELSE)
    when = fresh(listing_a).history.first().history_date
    assert any(
        line.startswith("Jo Bloggs changed Summary on ") and f"{when.year}" in line for line in said
    )
    assert "The form below now has the new Summary." in said
    page = second.content.decode()
    assert "Someone else changed this listing while you were editing it" in page
    # Nothing of Jo's change is lost, and nothing of Sam's was saved.
    listing = fresh(listing_a)
    assert listing.summary == "Jo's new summary."
    assert listing.description == listing_a.description


@pytest.mark.django_db
def test_saving_the_form_shown_again_keeps_both_changes_and_both_are_in_the_history(
    jo, sam, listing_a
):
    jos, sams = signed_in(jo), signed_in(sam)
    url = change_url(listing_a)
    jo_page, sam_page = jos.get(url), sams.get(url)
    jos.post(url, page_form(jo_page, "listing_form", summary="Jo's new summary."))
    refused = sams.post(url, page_form(sam_page, "listing_form", description="Sam's details."))

    again = page_form(refused, "listing_form")
    assert again["summary"] == ["Jo's new summary."]  # theirs, as Sam left it alone
    assert again["description"] == ["Sam's details."]  # what Sam typed
    saved = sams.post(url, again)

    assert saved.status_code == 302
    listing = fresh(listing_a)
    assert (listing.summary, listing.description) == ("Jo's new summary.", "Sam's details.")
    by_whom = {record.history_user for record in listing.history.all()}
    assert {jo, sam} <= by_whom
    summaries = {record.summary for record in listing.history.filter(history_user=jo)}
    assert "Jo's new summary." in summaries


@pytest.mark.django_db
def test_a_field_both_changed_keeps_what_was_typed_and_shows_theirs(jo, sam, listing_a):
    jos, sams = signed_in(jo), signed_in(sam)
    url = change_url(listing_a)
    jo_page, sam_page = jos.get(url), sams.get(url)
    jos.post(url, page_form(jo_page, "listing_form", summary="Jo's summary."))

    refused = sams.post(url, page_form(sam_page, "listing_form", summary="Sam's summary."))

    assert refused.status_code == 200
    assert "You both changed Summary" in " ".join(top_messages(refused))
    [clash] = field_errors(refused, "summary")
    assert clash.startswith("Jo Bloggs changed this while you were editing it.")
    assert clash.endswith("Theirs: “Jo's summary.”")
    assert page_form(refused, "listing_form")["summary"] == ["Sam's summary."]
    assert fresh(listing_a).summary == "Jo's summary."
    # Keeping theirs is as easy: Sam copies it and saves.
    saved = sams.post(url, page_form(refused, "listing_form", summary="Jo's summary."))
    assert saved.status_code == 302
    assert fresh(listing_a).summary == "Jo's summary."


@pytest.mark.django_db
def test_choices_areas_rows_and_ticks_changed_meanwhile_come_into_the_form(
    jo, sam, listing_a, areas
):
    jos, sams = signed_in(jo), signed_in(sam)
    url = change_url(listing_a)
    jo_page, sam_page = jos.get(url), sams.get(url)
    jo_sends = page_form(
        jo_page,
        "listing_form",
        areas=[str(areas["rutland"].pk)],
        delivery_modes=term_ids("delivery_mode", "letter-writing", "video-or-phone"),
        self_referral="on",
        cost="free",
        accreditation_date="2024-03-01",
        **rows_data("contact_routes", [phone("0116 496 0999", hours="Mondays")], extra=2),
    )
    assert jos.post(url, jo_sends).status_code == 302

    refused = sams.post(url, page_form(sam_page, "listing_form", name="Alder Conferencing"))
    again = page_form(refused, "listing_form")
    assert sams.post(url, again).status_code == 302

    listing = fresh(listing_a)
    assert listing.name == "Alder Conferencing"
    assert list(listing.areas.all()) == [areas["rutland"]]
    assert sorted(listing.delivery_modes.values_list("slug", flat=True)) == [
        "letter-writing",
        "video-or-phone",
    ]
    assert listing.self_referral is True
    assert listing.cost == "free"
    assert listing.accreditation_date == date(2024, 3, 1)
    assert listing.contact_routes == [
        {"kind": "phone", "value": "0116 496 0999", "hours": "Mondays"}
    ]
    said = " ".join(top_messages(refused))
    for label in ["Areas covered", "How it is delivered", "Ways to get in touch", "Cost"]:
        assert label in said


@pytest.mark.django_db
def test_a_change_made_by_an_action_refuses_the_open_form_too(jo, sam, draft_a):
    sams = signed_in(sam)
    page = sams.get(change_url(draft_a))
    publish = {"action": "publish", "_selected_action": [draft_a.pk], "index": "0"}
    signed_in(jo).post(reverse("admin:directory_listing_changelist"), publish)

    refused = sams.post(change_url(draft_a), page_form(page, "listing_form", summary="New."))

    assert refused.status_code == 200
    said = top_messages(refused)
    assert any(
        line.startswith("Jo Bloggs changed Status on ") and "(Status set to published)" in line
        for line in said
    )
    # The form now shows the listing as published: saving again does not unpublish it.
    assert sams.post(change_url(draft_a), page_form(refused, "listing_form")).status_code == 302
    assert fresh(draft_a).status == "published"
    assert fresh(draft_a).summary == "New."


@pytest.mark.django_db
def test_the_same_person_in_two_tabs_is_told_it_was_them(jo, listing_a):
    jos = signed_in(jo)
    url = change_url(listing_a)
    tab_one, tab_two = jos.get(url), jos.get(url)
    jos.post(url, page_form(tab_one, "listing_form", summary="From tab one."))

    refused = jos.post(url, page_form(tab_two, "listing_form", description="From tab two."))

    said = top_messages(refused)
    assert said[0].startswith("You changed this listing in another window or tab")
    assert any(line.startswith("You changed Summary on ") for line in said)


@pytest.mark.django_db
def test_a_form_sent_without_its_version_is_refused_and_can_be_saved_again(jo, listing_a):
    jos = signed_in(jo)
    url = change_url(listing_a)
    sent = page_form(jos.get(url), "listing_form", summary="Sent without a version.")
    del sent["edit_version"]

    refused = jos.post(url, sent)

    assert refused.status_code == 200
    assert top_messages(refused)[0].startswith(
        "This form could not be checked against the latest version of this listing"
    )
    assert fresh(listing_a).summary == listing_a.summary
    again = page_form(refused, "listing_form")
    assert again["summary"] == ["Sent without a version."]
    assert jos.post(url, again).status_code == 302
    assert fresh(listing_a).summary == "Sent without a version."


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["", "x", "-1", "１", "99999999999999999999999"])
def test_a_made_up_version_is_refused_not_an_error(jo, listing_a, version):
    jos = signed_in(jo)
    url = change_url(listing_a)

    refused = jos.post(url, page_form(jos.get(url), "listing_form", edit_version=version))

    assert refused.status_code == 200
    assert fresh(listing_a).version == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "base",
    [
        "{not json",
        "[]",
        '{"history": "1", "fields": []}',
        '{"history": 99999999999999999999, "fields": {}}',
        '{"history": -5, "fields": {"summary": 5, "nonsense": "x"}}',
    ],
)
def test_a_made_up_base_still_refuses_a_stale_form_plainly(jo, sam, listing_a, base):
    jos, sams = signed_in(jo), signed_in(sam)
    url = change_url(listing_a)
    sam_page = sams.get(url)
    jos.post(url, page_form(jos.get(url), "listing_form", summary="Jo's."))

    refused = sams.post(url, page_form(sam_page, "listing_form", edit_base=base))

    assert refused.status_code == 200
    assert top_messages(refused)[0].startswith(SOMEONE_ELSE)
    assert fresh(listing_a).summary == "Jo's."
    assert sams.post(url, page_form(refused, "listing_form")).status_code == 302


# --- A provider and forum staff ------------------------------------------------------


@pytest.mark.django_db
def test_a_provider_is_told_forum_staff_changed_it_not_who(jo, alex, listing_a):
    jos, alexs = signed_in(jo), signed_in(alex)
    url = change_url(listing_a)
    alex_page, jo_page = alexs.get(url), jos.get(url)
    assert (
        jos.post(url, page_form(jo_page, "listing_form", summary="Staff wording.")).status_code
        == 302
    )

    refused = alexs.post(url, page_form(alex_page, "listing_form", summary="Provider wording."))

    assert refused.status_code == 200
    said = top_messages(refused)
    assert said[0].startswith(SOMEONE_ELSE)
    assert any(line.startswith("Forum staff changed Summary on ") for line in said)
    assert field_errors(refused, "summary")[0].startswith("Forum staff changed this")
    assert "Bloggs" not in refused.content.decode()
    # Alex keeps their own wording on purpose; both versions stay in the history.
    assert alexs.post(url, page_form(refused, "listing_form")).status_code == 302
    listing = fresh(listing_a)
    assert listing.summary == "Provider wording."
    summaries = [record.summary for record in listing.history.order_by("history_id")]
    assert summaries.index("Staff wording.") < summaries.index("Provider wording.")


@pytest.mark.django_db
def test_staff_are_told_which_provider_changed_it(jo, alex, listing_a):
    jos, alexs = signed_in(jo), signed_in(alex)
    url = change_url(listing_a)
    jo_page = jos.get(url)
    alexs.post(url, page_form(alexs.get(url), "listing_form", how_to_refer="Ask your worker."))

    refused = jos.post(url, page_form(jo_page, "listing_form", summary="Staff wording."))

    said = top_messages(refused)
    assert any(line.startswith("Alex Reed changed How to be referred") for line in said)
    again = page_form(refused, "listing_form")
    assert again["how_to_refer"] == ["Ask your worker."]
    assert jos.post(url, again).status_code == 302
    listing = fresh(listing_a)
    assert (listing.summary, listing.how_to_refer) == ("Staff wording.", "Ask your worker.")


# --- Organisations and their shared ways to get in touch ----------------------------


@pytest.mark.django_db
def test_two_staff_editing_one_organisation(jo, sam, org_a):
    jos, sams = signed_in(jo), signed_in(sam)
    url = change_url(org_a)
    jo_page, sam_page = jos.get(url), sams.get(url)
    jo_sends = page_form(jo_page, "organisation_form", website="https://alder.example/")
    assert jos.post(url, jo_sends).status_code == 302

    refused = sams.post(url, page_form(sam_page, "organisation_form", description="Sam's."))

    assert refused.status_code == 200
    said = top_messages(refused)
    assert said[0].startswith("Someone else changed this organisation while you were editing it")
    assert any(line.startswith("Jo Bloggs changed Website on ") for line in said)
    assert fresh(org_a).description == org_a.description
    assert sams.post(url, page_form(refused, "organisation_form")).status_code == 302
    organisation = fresh(org_a)
    assert (organisation.website, organisation.description) == ("https://alder.example/", "Sam's.")
    assert {jo, sam} <= {record.history_user for record in organisation.history.all()}


@pytest.mark.django_db
def test_the_shared_page_refuses_a_stale_save(jo, alex, org_a, listing_a):
    alexs, jos = signed_in(alex), signed_in(jo)
    alex_page = alexs.get(shared_url(org_a))
    jos.post(
        shared_url(org_a),
        page_form(
            jos.get(shared_url(org_a)),
            **{
                "contact_routes-0-value": "0116 496 0200",
            },
        ),
    )
    assert fresh(org_a).contact_routes == [phone("0116 496 0200")]

    refused = alexs.post(
        shared_url(org_a),
        page_form(
            alex_page,
            **{
                "contact_routes-0-hours": "Weekdays",
            },
        ),
    )

    assert refused.status_code == 200
    said = list(refused.context["form"].non_field_errors())
    assert said[0].startswith(
        f"Someone else changed the shared ways to get in touch of {org_a} while you were "
        "editing them"
    )
    assert "Someone else changed the shared ways" in refused.content.decode()
    assert fresh(org_a).contact_routes == [phone("0116 496 0200")]
    # Both changed the one row: Alex's is kept, and saving again saves it.
    assert alexs.post(shared_url(org_a), page_form(refused)).status_code == 302
    assert fresh(org_a).contact_routes == [phone("0116 496 0100", hours="Weekdays")]
    assert fresh(org_a).history.count() >= 2


@pytest.mark.django_db
def test_the_organisation_form_is_refused_after_a_change_on_the_shared_page(jo, alex, org_a):
    jos = signed_in(jo)
    page = jos.get(change_url(org_a))
    alexs = signed_in(alex)
    alexs.post(
        shared_url(org_a),
        page_form(
            alexs.get(shared_url(org_a)),
            **{
                "contact_routes-0-kind": "email",
                "contact_routes-0-value": "hello@alder.example",
            },
        ),
    )

    refused = jos.post(change_url(org_a), page_form(page, "organisation_form", description="New."))

    said = top_messages(refused)
    assert any(
        line.startswith("Alex Reed changed Shared ways to get in touch on ")
        and "(Shared ways to get in touch changed)" in line
        for line in said
    )
    assert jos.post(change_url(org_a), page_form(refused, "organisation_form")).status_code == 302
    organisation = fresh(org_a)
    assert organisation.contact_routes == [{"kind": "email", "value": "hello@alder.example"}]
    assert organisation.description == "New."


@pytest.mark.django_db
def test_reverting_an_organisation_from_its_history_is_checked_too(jo, sam, org_a):
    org_a.description = "First wording."
    org_a.save()
    first = org_a.history.order_by("-history_id").first()
    org_a.description = "Second wording."
    org_a.save()
    revert = reverse("admin:directory_organisation_simple_history", args=[org_a.pk, first.pk])
    page = signed_in(jo).get(revert)
    sams = signed_in(sam)
    sams.post(
        change_url(org_a),
        page_form(
            sams.get(change_url(org_a)), "organisation_form", website="https://alder.example/"
        ),
    )

    sent = page_form(page, "historicalorganisation_form", _save="Revert")
    refused = signed_in(jo).post(revert, sent)

    assert refused.status_code == 200
    assert fresh(org_a).website == "https://alder.example/"
    assert fresh(org_a).description == "Second wording."


# --- At the very same moment -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_saves_sent_at_the_same_moment_from_one_version_one_wins(make_listing, org_a, areas):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks (it lets one writer in at a time)")
    # Nothing the migrations seed (an earlier test of this kind may have emptied the
    # database): no terms, and superusers rather than the forum staff group.
    listing = make_listing(
        name="Alder Race",
        organisation=org_a,
        areas=[areas["leicester"]],
        audiences=(),
        age_groups=(),
        modes=(),
    )
    people = [User.objects.create_superuser(f"staff-{n}", f"staff-{n}@example.org") for n in (1, 2)]
    clients = [signed_in(person) for person in people]
    url = change_url(listing)
    sent = [
        page_form(client.get(url), "listing_form", summary=f"Summary {n}.")
        for n, client in enumerate(clients, start=1)
    ]
    at_once = threading.Barrier(2)
    responses = [None, None]

    def slow_save(sender, instance, **kwargs):
        # Each save holds its transaction open a while: the other request arrives
        # while the first still holds the row.
        time.sleep(0.5)

    def submit(number):
        try:
            at_once.wait()
            responses[number] = clients[number].post(url, sent[number])
        finally:
            connections.close_all()

    post_save.connect(slow_save, sender=Listing, dispatch_uid="lost-updates-race")
    try:
        threads = [threading.Thread(target=submit, args=(n,)) for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        post_save.disconnect(sender=Listing, dispatch_uid="lost-updates-race")

    codes = sorted(response.status_code for response in responses)
    assert codes == [200, 302]
    winner = next(n for n, response in enumerate(responses) if response.status_code == 302)
    loser = responses[1 - winner]
    assert loser.content.decode().count(SOMEONE_ELSE) >= 1
    saved = fresh(listing)
    assert saved.summary == f"Summary {winner + 1}."
    assert saved.version == 2
