"""Nothing is deleted, so nothing is lost: listings and organisations are archived.

An archived listing is off every public page and kept, with its history and its
problem reports; editors may archive their own (that is how a provider withdraws a
service), only forum staff restore one, and it comes back as a draft. An archived
organisation hides all its listings until staff restore it. Areas and terms that
listings use cannot be deleted, however the delete comes.
"""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from directory import services
from directory.models import Area, Listing, Organisation, ProblemReport, Term

from .admin_forms import listing_form_data, organisation_form_data, phone, share_routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

CHANGELIST = "/admin/directory/listing/"


# Each organisation shares a phone number, so its listings may be published.
@pytest.fixture
def org_a(org_a):
    return share_routes(org_a, [phone("0116 496 0100")])


@pytest.fixture
def org_b(org_b):
    return share_routes(org_b, [phone("0115 496 0200")])


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "x")


@pytest.fixture
def as_superuser(superuser):
    client = Client()
    client.force_login(superuser)
    return client


def body(response):
    return response.content.decode()


def status_of(listing):
    return Listing.objects.get(pk=listing.pk).status


def latest_reason(obj):
    return obj.history.order_by("-history_date", "-history_id").first().history_change_reason


def archive_url(listing):
    return reverse("admin:directory_listing_archive", args=[listing.pk])


def restore_url(listing):
    return reverse("admin:directory_listing_restore", args=[listing.pk])


def change_url(listing):
    return reverse("admin:directory_listing_change", args=[listing.pk])


def act(client, action, objects, url=CHANGELIST, **extra):
    data = {"action": action, "_selected_action": [x.pk for x in objects], "index": "0"}
    return client.post(url, {**data, **extra})


def action_names(changelist):
    form = changelist.context["action_form"]  # None when there are no actions at all
    return [name for name, _ in form.fields["action"].choices] if form else []


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def public_places(client):
    """What the public sees of the directory: search, sitemap, API, CSV download."""
    search = body(client.get("/services/"))
    sitemap = body(client.get("/sitemap.xml"))
    services_api = client.get("/api/openreferral/services").json()
    organisations_api = client.get("/api/openreferral/organizations").json()
    download = client.get("/services/download.csv")
    raw = b"".join(download.streaming_content) if download.streaming else download.content
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    return {
        "search": search,
        "sitemap": [loc.text for loc in ET.fromstring(sitemap).iter() if loc.tag.endswith("loc")],
        "api": [item["name"] for item in services_api["contents"]],
        "api_organisations": [item["name"] for item in organisations_api["contents"]],
        "csv": [row.get("name") for row in rows],
    }


def assert_hidden(listing, client=None):
    client = client or Client()
    assert client.get(listing.get_absolute_url()).status_code == 404
    assert client.get(f"{listing.get_absolute_url()}report/").status_code == 404
    seen = public_places(client)
    assert listing.name not in seen["search"]
    assert not any(listing.slug in address for address in seen["sitemap"])
    assert listing.name not in seen["api"]
    assert listing.name not in seen["csv"]


def assert_shown(listing, client=None):
    client = client or Client()
    assert client.get(listing.get_absolute_url()).status_code == 200
    seen = public_places(client)
    assert listing.name in seen["search"]
    assert any(listing.slug in address for address in seen["sitemap"])
    assert listing.name in seen["api"]
    assert listing.name in seen["csv"]


# --- Archiving a listing ----------------------------------------------------------


def test_staff_archive_a_listing_from_its_page_with_a_reason_in_the_history(
    as_staff, staff_user, listing_a
):
    assert_shown(listing_a)
    page = as_staff.get(archive_url(listing_a))
    assert page.status_code == 200
    assert "Nothing is deleted" in body(page)
    assert status_of(listing_a) == Listing.Status.PUBLISHED  # asking changes nothing

    response = as_staff.post(archive_url(listing_a), {"note": "The service has closed."})

    assert response.status_code == 302
    assert status_of(listing_a) == Listing.Status.ARCHIVED
    latest = listing_a.history.first()
    assert (latest.status, latest.history_user) == ("archived", staff_user)
    assert latest.history_change_reason == "Archived by forum-staff: The service has closed."
    assert_hidden(listing_a)


def test_the_archive_action_records_who_archived_each_listing(
    as_staff, staff_user, listing_a, draft_a
):
    response = act(as_staff, "archive", [listing_a, draft_a])

    assert response.status_code == 302
    for listing in (listing_a, draft_a):
        assert status_of(listing) == Listing.Status.ARCHIVED
        assert latest_reason(listing) == "Archived by forum-staff"


def test_a_long_reason_is_shortened_to_fit_the_history(staff_user, listing_a):
    services.listings_archive(listings=[listing_a], by=staff_user, note="word " * 100)

    reason = latest_reason(listing_a)
    assert len(reason) <= 100
    assert reason.startswith("Archived by forum-staff: word") and reason.endswith("…")


def test_an_editor_may_archive_their_own_listing(as_editor_a, editor_a, listing_a):
    page = as_editor_a.get(change_url(listing_a))
    assert archive_url(listing_a) in body(page)
    assert "Only forum staff can bring it back" in body(as_editor_a.get(archive_url(listing_a)))

    response = as_editor_a.post(archive_url(listing_a))

    assert response.status_code == 302
    assert status_of(listing_a) == Listing.Status.ARCHIVED
    latest = listing_a.history.first()
    assert latest.history_user == editor_a
    assert latest.history_change_reason == "Archived by alder-editor"
    assert_hidden(listing_a)


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_editor_cannot_archive_another_organisations_listing(
    as_editor_a, listing_a, listing_b, state_of, method
):
    before = state_of(listing_b)

    response = getattr(as_editor_a, method)(archive_url(listing_b))

    assert response.status_code == 404
    assert "birchwood" not in body(response).lower()
    assert state_of(listing_b) == before


def test_editors_have_no_archive_bulk_action(as_editor_a, listing_a, state_of):
    before = state_of(listing_a)

    act(as_editor_a, "archive", [listing_a])

    assert state_of(listing_a) == before


def test_an_editor_can_read_but_not_change_or_restore_their_archived_listing(
    as_editor_a, staff_user, listing_a, state_of
):
    services.listings_archive(listings=[listing_a], by=staff_user)
    before = state_of(listing_a)

    page = as_editor_a.get(change_url(listing_a))
    assert page.status_code == 200
    assert "Only forum staff can restore it" in body(page)
    assert restore_url(listing_a) not in body(page)
    assert archive_url(listing_a) not in body(page)
    edited = as_editor_a.post(
        change_url(listing_a), listing_form_data(listing_a, summary="Changed while archived.")
    )
    restored = [as_editor_a.get(restore_url(listing_a)), as_editor_a.post(restore_url(listing_a))]
    checked = as_editor_a.post(
        reverse("admin:directory_listing_confirm_checked", args=[listing_a.pk])
    )

    assert edited.status_code == 403
    assert [r.status_code for r in restored] == [403, 403]
    assert checked.status_code == 403
    assert state_of(listing_a) == before


def test_staff_restore_an_archived_listing_as_a_draft_recorded_in_the_history(
    as_staff, staff_user, listing_a
):
    services.listings_archive(listings=[listing_a], by=staff_user)
    page = as_staff.get(change_url(listing_a))
    assert restore_url(listing_a) in body(page)
    assert "Restore as a draft" in body(as_staff.get(restore_url(listing_a)))

    response = as_staff.post(restore_url(listing_a))

    assert response.status_code == 302
    # Back as a draft, never straight to the public site: it must be checked first.
    assert status_of(listing_a) == Listing.Status.DRAFT
    assert latest_reason(listing_a) == "Restored as a draft by forum-staff"
    assert Client().get(listing_a.get_absolute_url()).status_code == 404
    reasons = list(listing_a.history.values_list("history_change_reason", flat=True)[:2])
    assert reasons == ["Restored as a draft by forum-staff", "Archived by forum-staff"]


def test_the_restore_action_brings_back_only_archived_listings(
    as_staff, staff_user, listing_a, draft_a
):
    services.listings_archive(listings=[draft_a], by=staff_user)
    versions = listing_a.history.count()

    act(as_staff, "restore", [listing_a, draft_a], url=f"{CHANGELIST}?status__exact=all")

    assert status_of(draft_a) == Listing.Status.DRAFT
    assert status_of(listing_a) == Listing.Status.PUBLISHED
    assert listing_a.history.count() == versions


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_publish_and_unpublish_leave_an_archived_listing_archived_and_say_so(
    as_staff, staff_user, listing_a, action
):
    services.listings_archive(listings=[listing_a], by=staff_user)

    response = as_staff.post(
        f"{CHANGELIST}?status__exact=archived",
        {"action": action, "_selected_action": [listing_a.pk], "index": "0"},
        follow=True,
    )

    assert status_of(listing_a) == Listing.Status.ARCHIVED
    assert any("Restore an archived listing first" in m for m in messages_of(response))


def test_the_status_field_offers_no_archive_and_is_fixed_once_archived(
    as_staff, staff_user, listing_a
):
    form = as_staff.get(change_url(listing_a)).context["adminform"].form
    assert [value for value, _ in form.fields["status"].choices] == ["draft", "published"]

    services.listings_archive(listings=[listing_a], by=staff_user)
    page = as_staff.get(change_url(listing_a))
    assert "status" not in page.context["adminform"].form.fields
    # Saving the form keeps it archived: only "Restore" brings it back.
    data = listing_form_data(listing_a, summary="Tidied while archived.", status="published")
    as_staff.post(change_url(listing_a), data)
    assert status_of(listing_a) == Listing.Status.ARCHIVED
    assert Listing.objects.get(pk=listing_a.pk).summary == "Tidied while archived."


def test_archiving_keeps_the_listings_problem_reports(as_staff, listing_a):
    report = ProblemReport.objects.create(listing=listing_a, message="The phone number is wrong.")

    as_staff.post(archive_url(listing_a))

    assert status_of(listing_a) == Listing.Status.ARCHIVED
    assert ProblemReport.objects.filter(pk=report.pk, listing=listing_a).exists()
    page = as_staff.get(reverse("admin:directory_problemreport_change", args=[report.pk]))
    assert page.status_code == 200


# --- Nobody deletes a listing ----------------------------------------------------


@pytest.mark.parametrize("who", ["as_staff", "as_superuser", "as_editor_a"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_nobody_can_delete_a_listing_in_the_admin(request, listing_a, who, method):
    client = request.getfixturevalue(who)
    ProblemReport.objects.create(listing=listing_a, message="Kept whatever happens.")

    response = getattr(client, method)(
        f"{change_url(listing_a)[: -len('change/')]}delete/",
        {"post": "yes"} if method == "post" else None,
    )

    assert response.status_code == 403
    assert Listing.objects.filter(pk=listing_a.pk).exists()


@pytest.mark.parametrize("who", ["as_staff", "as_superuser"])
def test_staff_have_no_delete_action_or_button_for_listings(request, listing_a, state_of, who):
    client = request.getfixturevalue(who)
    before = state_of(listing_a)

    actions = action_names(client.get(CHANGELIST))
    act(client, "delete_selected", [listing_a], post="yes")

    assert "delete_selected" not in actions
    assert {"archive", "restore"} <= set(actions)
    assert "deletelink" not in body(client.get(change_url(listing_a)))
    assert state_of(listing_a) == before


# --- Archived listings in the admin's lists ----------------------------------------


def test_the_changelist_leaves_archived_listings_out_unless_asked(
    as_staff, staff_user, listing_a, draft_a, listing_b
):
    services.listings_archive(listings=[draft_a, listing_b], by=staff_user)

    def shown(query=""):
        return set(as_staff.get(CHANGELIST + query).context["cl"].result_list)

    assert shown() == {listing_a}
    assert shown("?status__exact=archived") == {draft_a, listing_b}
    assert shown("?status__exact=all") == {listing_a, draft_a, listing_b}
    assert shown("?status__exact=published") == {listing_a}
    assert shown("?q=Birchwood") == set()
    assert shown("?q=Birchwood&status__exact=archived") == {listing_b}


def test_an_editor_finds_their_archived_listings_under_the_filter(
    as_editor_a, staff_user, listing_a, draft_a, listing_b
):
    services.listings_archive(listings=[draft_a, listing_b], by=staff_user)

    def shown(query=""):
        return set(as_editor_a.get(CHANGELIST + query).context["cl"].result_list)

    assert shown() == {listing_a}
    assert shown("?status__exact=archived") == {draft_a}
    assert shown("?status__exact=all") == {listing_a, draft_a}


def test_staff_still_see_the_review_queue_link_without_any_delete_permission(as_staff, listing_a):
    assert "Review queue" in body(as_staff.get(CHANGELIST))


# --- Archiving an organisation -------------------------------------------------------


def org_url(organisation, view):
    return reverse(f"admin:directory_organisation_{view}", args=[organisation.pk])


def test_staff_archive_an_organisation_and_all_its_listings_leave_the_site(
    as_staff, staff_user, org_a, listing_a, draft_a, listing_b
):
    other = Listing.objects.filter(organisation=org_a, status="published").count()
    assert other == 1
    assert org_a.name in public_places(Client())["api_organisations"]
    page = as_staff.get(org_url(org_a, "archive"))
    assert page.status_code == 200
    assert "1 published listing" in body(page)

    response = as_staff.post(org_url(org_a, "archive"), {"note": "Funding ended."})

    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.archived_at is not None
    latest = org_a.history.first()
    assert latest.history_user == staff_user
    assert latest.history_change_reason == "Archived by forum-staff: Funding ended."
    # The listings keep their own status, and are hidden with the organisation.
    assert status_of(listing_a) == Listing.Status.PUBLISHED
    assert_hidden(listing_a)
    seen = public_places(Client())
    assert org_a.name not in seen["api_organisations"]
    assert Client().get(f"/api/openreferral/organizations/{org_a.uuid}").status_code == 404
    assert Client().get(f"/api/openreferral/services/{listing_a.uuid}").status_code == 404
    assert_shown(listing_b)


def test_staff_restore_an_organisation_and_its_published_listings_come_back(
    as_staff, staff_user, org_a, listing_a, draft_a
):
    services.organisation_archive(organisation=org_a, by=staff_user)
    change = as_staff.get(org_url(org_a, "change"))
    assert org_url(org_a, "restore") in body(change)
    assert "it and all its listings are off the public site" in body(change)

    response = as_staff.post(org_url(org_a, "restore"))

    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.archived_at is None
    assert latest_reason(org_a) == "Restored by forum-staff"
    assert_shown(listing_a)
    assert Client().get(draft_a.get_absolute_url()).status_code == 404


def test_a_restore_that_would_publish_a_listing_with_no_way_to_get_in_touch_is_refused(
    as_staff, staff_user, org_a, listing_a
):
    services.organisation_archive(organisation=org_a, by=staff_user)
    # While archived, nothing it publishes is on the site, so its shared phone can go.
    share_routes(org_a, [])

    response = as_staff.post(org_url(org_a, "restore"), follow=True)

    assert response.status_code == 200
    assert any("no way to get in touch" in m for m in messages_of(response))
    assert Organisation.objects.get(pk=org_a.pk).archived_at is not None


@pytest.mark.parametrize("view", ["archive", "restore"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_editors_cannot_archive_or_restore_an_organisation(
    as_editor_a, staff_user, org_a, org_b, view, method
):
    if view == "restore":
        services.organisation_archive(organisation=org_a, by=staff_user)
    before = Organisation.objects.get(pk=org_a.pk).archived_at

    response = getattr(as_editor_a, method)(org_url(org_a, view))

    assert response.status_code == 403
    assert Organisation.objects.get(pk=org_a.pk).archived_at == before


@pytest.mark.parametrize("who", ["as_staff", "as_superuser"])
def test_nobody_can_delete_an_organisation(request, org_a, listing_a, who):
    client = request.getfixturevalue(who)
    changelist = reverse("admin:directory_organisation_changelist")

    actions = action_names(client.get(changelist))
    refused = [
        client.get(org_url(org_a, "delete")),
        client.post(org_url(org_a, "delete"), {"post": "yes"}),
    ]
    act(client, "delete_selected", [org_a], url=changelist, post="yes")

    assert "delete_selected" not in actions
    assert [r.status_code for r in refused] == [403, 403]
    assert Organisation.objects.filter(pk=org_a.pk).exists()


def test_the_organisation_list_leaves_archived_ones_out_unless_asked(
    as_staff, staff_user, org_a, org_b
):
    services.organisation_archive(organisation=org_a, by=staff_user)
    changelist = reverse("admin:directory_organisation_changelist")

    def shown(query=""):
        return set(as_staff.get(changelist + query).context["cl"].result_list)

    assert shown() == {org_b}
    assert shown("?archived=yes") == {org_a}
    assert shown("?archived=all") == {org_a, org_b}


def test_saving_or_reverting_an_organisation_never_changes_whether_it_is_archived(
    as_staff, staff_user, org_a
):
    first = org_a.history.first()  # a version from before it was archived
    services.organisation_archive(organisation=org_a, by=staff_user)
    org_a.refresh_from_db()
    archived_at = org_a.archived_at

    saved = as_staff.post(
        org_url(org_a, "change"), organisation_form_data(org_a, description="Still archived.")
    )
    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors
    org_a.refresh_from_db()
    assert (org_a.description, org_a.archived_at) == ("Still archived.", archived_at)

    url = reverse("admin:directory_organisation_simple_history", args=[org_a.pk, first.pk])
    as_staff.post(url, organisation_form_data(first.instance, _save="Revert"))
    org_a.refresh_from_db()
    assert org_a.archived_at == archived_at


# --- Areas and terms in use ------------------------------------------------------------


def area_url(area, view):
    return reverse(f"admin:directory_area_{view}", args=[area.pk])


def term_url(term, view):
    return reverse(f"admin:directory_term_{view}", args=[term.pk])


@pytest.fixture
def quokka(db):
    return Term.objects.create(vocabulary="settings", name="Quokka enclosure", slug="quokka")


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_delete_page_of_an_area_in_use_says_why_it_cannot_be_deleted(
    as_staff, areas, listing_a, draft_a, method
):
    rutland = areas["rutland"]  # draft_a's only area
    listing_a.areas.add(rutland)

    response = getattr(as_staff, method)(
        area_url(rutland, "delete"), {"post": "yes"} if method == "post" else None, follow=True
    )

    assert response.status_code == 200
    assert Area.objects.filter(pk=rutland.pk).exists()
    assert set(rutland.listings.all()) == {listing_a, draft_a}
    [message] = messages_of(response)
    assert "“Rutland” is used by 2 listings" in message
    assert "remove it from them first" in message
    assert "Alder Victim Conferencing" in message


def test_an_area_with_areas_inside_it_is_refused_with_a_message(as_staff, areas):
    response = as_staff.post(area_url(areas["llr"], "delete"), {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert Area.objects.filter(pk=areas["llr"].pk).exists()
    assert any("has 2 areas inside it" in m for m in messages_of(response))


def test_archived_listings_count_as_using_a_term(as_staff, staff_user, listing_a, quokka):
    listing_a.settings.add(quokka)
    services.listings_archive(listings=[listing_a], by=staff_user)

    response = as_staff.post(term_url(quokka, "delete"), {"post": "yes"}, follow=True)

    assert Term.objects.filter(pk=quokka.pk).exists()
    assert any("used by 1 listing (" in m for m in messages_of(response))


@pytest.mark.parametrize("confirmed", [False, True])
def test_delete_selected_refuses_terms_in_use_and_deletes_none(
    as_staff, listing_a, quokka, confirmed
):
    unused = Term.objects.create(vocabulary="settings", name="Unused place", slug="unused")
    listing_a.settings.add(quokka)
    changelist = reverse("admin:directory_term_changelist")
    extra = {"post": "yes"} if confirmed else {}

    response = as_staff.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": [quokka.pk, unused.pk],
            "index": "0",
            **extra,
        },
        follow=True,
    )

    assert response.status_code == 200
    assert Term.objects.filter(pk__in=[quokka.pk, unused.pk]).count() == 2
    assert any("“Quokka enclosure” is used by 1 listing" in m for m in messages_of(response))
    assert list(listing_a.settings.all()) == [quokka]


def test_deleting_a_term_in_use_in_code_is_refused_and_changes_nothing(listing_a, quokka):
    listing_a.settings.add(quokka)

    # The refusal comes from inside the delete's transaction: a savepoint each.
    with pytest.raises(ProtectedError, match="used by 1 listing"), transaction.atomic():
        Term.objects.filter(pk=quokka.pk).delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        quokka.delete()

    assert Term.objects.filter(pk=quokka.pk).exists()
    assert list(listing_a.settings.all()) == [quokka]


def test_deleting_an_area_in_use_in_code_is_refused(listing_a, areas):
    with pytest.raises(ProtectedError), transaction.atomic():
        Area.objects.filter(pk=areas["leicester"].pk).delete()
    assert list(listing_a.areas.all()) == [areas["leicester"]]


def test_unused_areas_and_terms_can_still_be_deleted_by_staff(as_staff, areas, quokka):
    unused = Term.objects.create(vocabulary="settings", name="Unused place", slug="unused")
    derby = areas["derby"]

    single = as_staff.post(term_url(quokka, "delete"), {"post": "yes"})
    bulk = as_staff.post(
        reverse("admin:directory_term_changelist"),
        {"action": "delete_selected", "_selected_action": [unused.pk], "index": "0", "post": "yes"},
    )
    area = as_staff.post(area_url(derby, "delete"), {"post": "yes"})

    assert (single.status_code, bulk.status_code, area.status_code) == (302, 302, 302)
    assert not Term.objects.filter(pk__in=[quokka.pk, unused.pk]).exists()
    assert not Area.objects.filter(pk=derby.pk).exists()


def test_the_delete_confirmation_of_an_unused_term_still_asks_first(as_staff, quokka):
    response = as_staff.get(term_url(quokka, "delete"))

    assert response.status_code == 200
    assert "Are you sure" in body(response)
    assert Term.objects.filter(pk=quokka.pk).exists()
