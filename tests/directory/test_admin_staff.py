"""Forum staff curate every listing: publish, archive, review editors' changes, revert."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.models import CHECK_AFTER_MONTHS, Listing, Term, months_before

from .admin_forms import listing_form_data, phone, share_routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


@pytest.fixture
def form_data():
    """Build change-form POST data from a listing, with overrides (None drops a key)."""
    return listing_form_data


# Each organisation shares a phone number, so its listings have a way to get in touch
# and may be published.
@pytest.fixture
def org_a(org_a):
    return share_routes(org_a, [phone("0116 496 0100")])


@pytest.fixture
def org_b(org_b):
    return share_routes(org_b, [phone("0115 496 0200")])


CHANGELIST = "/admin/directory/listing/"
REVIEW = "/admin/directory/listing/review/"


def body(response):
    return response.content.decode()


def term(vocabulary, slug):
    return Term.objects.get(vocabulary=vocabulary, slug=slug)


def shown(response):
    return set(response.context["cl"].result_list)


def change_url(listing):
    return reverse("admin:directory_listing_change", args=[listing.pk])


def revert_url(listing, record):
    return reverse("admin:directory_listing_revert", args=[listing.pk, record.history_id])


def act(client, action, listings, **extra):
    data = {"action": action, "_selected_action": [x.pk for x in listings], "index": "0"}
    return client.post(CHANGELIST, {**data, **extra})


@pytest.fixture
def as_editor(editor_a):
    client = Client()
    client.force_login(editor_a)
    return client


# --- Publishing, unpublishing, archiving ---------------------------------------


@pytest.mark.parametrize(
    "action, start, end, reason",
    [
        ("publish", "draft", "published", "Status set to published"),
        ("unpublish", "published", "draft", "Status set to draft"),
        # Archiving says who did it: it is how a listing leaves the site for good.
        ("archive", "published", "archived", "Archived by forum-staff"),
        ("archive", "draft", "archived", "Archived by forum-staff"),
    ],
)
def test_status_actions_change_status_and_record_who_did_it(
    as_staff, staff_user, make_listing, org_b, action, start, end, reason
):
    listing = make_listing(organisation=org_b, status=start)
    versions = listing.history.count()

    response = act(as_staff, action, [listing])

    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == end
    assert listing.history.count() == versions + 1
    latest = listing.history.first()
    assert (latest.status, latest.history_user) == (end, staff_user)
    assert latest.history_change_reason == reason


def test_publishing_puts_the_listing_on_the_public_site(as_staff, client, draft_a):
    assert Client().get(draft_a.get_absolute_url()).status_code == 404

    act(as_staff, "publish", [draft_a])

    assert Client().get(draft_a.get_absolute_url()).status_code == 200


def test_an_archived_listing_is_gone_from_the_site_but_kept(as_staff, listing_a):
    assert Client().get(listing_a.get_absolute_url()).status_code == 200

    act(as_staff, "archive", [listing_a])

    assert Client().get(listing_a.get_absolute_url()).status_code == 404
    assert Listing.objects.get(pk=listing_a.pk).status == Listing.Status.ARCHIVED
    assert listing_a.name not in body(Client().get("/services/"))


def test_a_status_action_leaves_listings_already_in_that_status_alone(as_staff, listing_a, draft_a):
    versions = listing_a.history.count()

    act(as_staff, "publish", [listing_a, draft_a])

    assert listing_a.history.count() == versions
    assert Listing.objects.get(pk=draft_a.pk).status == Listing.Status.PUBLISHED


def test_select_across_acts_on_every_listing_the_filter_matches(
    as_staff, listing_a, draft_a, draft_b, listing_b
):
    response = as_staff.post(
        CHANGELIST + "?status__exact=draft",
        {"action": "publish", "_selected_action": [draft_a.pk], "select_across": "1", "index": "0"},
    )

    assert response.status_code == 302
    statuses = set(Listing.objects.values_list("status", flat=True))
    assert statuses == {Listing.Status.PUBLISHED}


def test_staff_see_and_search_every_organisations_listings(
    as_staff, listing_a, draft_a, listing_b, draft_b
):
    assert shown(as_staff.get(CHANGELIST)) == {listing_a, draft_a, listing_b, draft_b}
    found = as_staff.get(CHANGELIST, {"q": "Birchwood Restorative Trust"})
    assert shown(found) == {listing_b, draft_b}


def test_staff_changelist_makes_the_same_number_of_queries_with_5_and_50_listings(
    as_staff, make_listing, org_a, org_b, areas
):
    def add(count):
        for n in range(count):
            make_listing(organisation=org_a if n % 2 else org_b, areas=[areas["llr"]])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert as_staff.get(CHANGELIST).status_code == 200
        return len(captured)

    add(5)
    with_five = queries()
    add(45)
    assert queries() == with_five


# --- The review queue ---------------------------------------------------------------


@pytest.fixture
def edited_by_editor(as_editor, listing_a, form_data):
    """An editor changes the summary and adds a delivery mode to A's listing."""
    old_summary = listing_a.summary
    modes = [
        term("delivery_mode", "face-to-face-conference"),
        term("delivery_mode", "letter-writing"),
    ]
    data = form_data(
        listing_a,
        summary="Conferences and letters for people harmed.",
        delivery_modes=[mode.pk for mode in modes],
    )
    response = as_editor.post(change_url(listing_a), data)
    assert response.status_code == 302
    listing_a.refresh_from_db()
    return old_summary


def test_the_review_queue_lists_listings_editors_changed(
    as_staff, edited_by_editor, listing_a, listing_b
):
    response = as_staff.get(REVIEW)

    assert response.status_code == 200
    assert [item["listing"] for item in response.context["queue"]] == [listing_a]
    assert listing_b.name not in body(response)


def test_the_review_queue_shows_each_changed_field_before_and_after(
    as_staff, edited_by_editor, listing_a
):
    response = as_staff.get(REVIEW)

    (item,) = response.context["queue"]
    today = timezone.localdate().isoformat()
    assert sorted(item["changes"]) == [
        (
            "How it is delivered",
            "Face-to-face conference",
            "Face-to-face conference, Letter writing",
        ),
        ("Summary", edited_by_editor, "Conferences and letters for people harmed."),
        # An editor's save is a source of the listing's facts.
        ("Where the information came from", "—", f"provider | {today} | Edited by Alder Mediation"),
    ]
    page = body(response)
    assert '<th scope="row">Summary</th>' in page
    assert "Conferences and letters for people harmed." in page
    assert "Face-to-face conference, Letter writing" in page


def test_a_new_listing_from_an_editor_is_in_the_queue_to_read_whole(
    as_staff, as_editor, org_a, areas
):
    data = {
        "name": "Alder New Service",
        "slug": "alder-new-service",
        "organisation": org_a.pk,
        "summary": "New.",
        "audiences": [term("audience", "families").pk],
        "age_groups": [term("age_group", "adults").pk],
        "delivery_modes": [term("delivery_mode", "video-or-phone").pk],
        "areas": [areas["rutland"].pk],
        "_save": "Save",
    }
    assert as_editor.post("/admin/directory/listing/add/", data).status_code == 302

    response = as_staff.get(REVIEW)

    (item,) = response.context["queue"]
    assert item["listing"].slug == "alder-new-service"
    assert item["baseline"] is None
    assert "no version that staff have reviewed" in body(response)


def test_mark_reviewed_takes_the_listing_out_of_the_queue(
    as_staff, staff_user, edited_by_editor, listing_a
):
    response = as_staff.post(reverse("admin:directory_listing_mark_reviewed", args=[listing_a.pk]))

    assert response.status_code == 302
    assert response.url == REVIEW
    listing_a.refresh_from_db()
    assert listing_a.needs_review is False
    assert listing_a.reviewed_at is not None
    assert as_staff.get(REVIEW).context["queue"] == []
    latest = listing_a.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        staff_user,
        "Reviewed by forum staff",
    )


def test_mark_reviewed_by_get_changes_nothing(as_staff, edited_by_editor, listing_a):
    response = as_staff.get(reverse("admin:directory_listing_mark_reviewed", args=[listing_a.pk]))

    assert response.status_code == 302
    listing_a.refresh_from_db()
    assert listing_a.needs_review is True


def test_after_a_review_the_queue_shows_only_later_changes(
    as_staff, as_editor, edited_by_editor, listing_a, form_data
):
    as_staff.post(reverse("admin:directory_listing_mark_reviewed", args=[listing_a.pk]))
    listing_a.refresh_from_db()

    data = form_data(listing_a, contact_routes=[phone("0116 496 0000")])
    assert as_editor.post(change_url(listing_a), data).status_code == 302

    (item,) = as_staff.get(REVIEW).context["queue"]
    assert item["changes"] == [("Ways to get in touch", "—", "phone | 0116 496 0000")]


def test_the_mark_reviewed_bulk_action_clears_the_queue(
    as_staff, edited_by_editor, listing_a, listing_b
):
    act(as_staff, "mark_reviewed", [listing_a, listing_b])

    assert Listing.objects.get(pk=listing_a.pk).needs_review is False
    assert as_staff.get(REVIEW).context["queue"] == []


# --- History and revert -----------------------------------------------------------


def test_the_history_page_lists_who_changed_what(as_staff, edited_by_editor, listing_a, editor_a):
    response = as_staff.get(reverse("admin:directory_listing_history", args=[listing_a.pk]))

    assert response.status_code == 200
    page = body(response)
    assert editor_a.username in page
    assert "Conferences and letters for people harmed." in page
    assert edited_by_editor in page
    records = list(response.context["page_obj"].object_list)
    assert records[0].history_user == editor_a
    assert "Revert to this version" in page


def test_each_historical_version_opens_for_staff(as_staff, edited_by_editor, listing_a):
    for record in listing_a.history.all():
        url = reverse("admin:directory_listing_simple_history", args=[listing_a.pk, record.pk])
        assert as_staff.get(url).status_code == 200


@pytest.fixture
def reverted_setup(as_staff, as_editor, listing_a, areas, form_data):
    """A's listing as first published, then edited by its editor, then unpublished."""
    original = listing_a.history.order_by("-history_date", "-history_id").first()
    data = form_data(
        listing_a,
        summary="Rewritten by the editor.",
        delivery_modes=[term("delivery_mode", "video-or-phone").pk],
        areas=[areas["rutland"].pk, areas["derby"].pk],
        contact_routes=[phone("0115 496 0123")],
    )
    assert as_editor.post(change_url(listing_a), data).status_code == 302
    act(as_staff, "unpublish", [listing_a])
    listing_a.refresh_from_db()
    return original


def test_the_revert_page_shows_what_would_come_back(as_staff, reverted_setup, listing_a):
    response = as_staff.get(revert_url(listing_a, reverted_setup))

    assert response.status_code == 200
    labels = [label for label, _, _ in response.context["changes"]]
    assert {"Summary", "How it is delivered", "Areas covered", "Ways to get in touch"} <= set(
        labels
    )
    assert reverted_setup.summary in body(response)


def test_revert_restores_content_and_many_to_many_fields_but_keeps_the_status(
    as_staff, reverted_setup, listing_a, areas
):
    response = as_staff.post(revert_url(listing_a, reverted_setup))

    assert response.status_code == 302
    assert response.url == change_url(listing_a)
    listing_a.refresh_from_db()
    assert listing_a.summary == reverted_setup.summary
    assert listing_a.contact_routes == []
    assert list(listing_a.delivery_modes.all()) == [
        term("delivery_mode", "face-to-face-conference")
    ]
    assert list(listing_a.areas.all()) == [areas["leicester"]]
    assert listing_a.status == Listing.Status.DRAFT  # was published in that version
    assert reverted_setup.status == Listing.Status.PUBLISHED


def test_the_revert_itself_is_in_the_history(as_staff, staff_user, reverted_setup, listing_a):
    versions = listing_a.history.count()

    as_staff.post(revert_url(listing_a, reverted_setup))

    assert listing_a.history.count() > versions
    latest = listing_a.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == staff_user
    assert latest.history_change_reason.startswith("Reverted to the version of")
    assert latest.summary == reverted_setup.summary
    assert [m.pk for m in latest.delivery_modes.all()] != []
    page = body(as_staff.get(reverse("admin:directory_listing_history", args=[listing_a.pk])))
    assert "Reverted to the version of" in page


def test_revert_refuses_a_version_of_another_listing(as_staff, listing_a, listing_b, state_of):
    before = state_of(listing_a)
    record = listing_b.history.first()

    response = as_staff.post(revert_url(listing_a, record))

    assert response.status_code == 404
    assert state_of(listing_a) == before


def test_mark_reviewed_and_revert_need_the_csrf_token(
    staff_user, reverted_setup, listing_a, state_of
):
    before = state_of(listing_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)

    marked = client.post(reverse("admin:directory_listing_mark_reviewed", args=[listing_a.pk]))
    reverted = client.post(revert_url(listing_a, reverted_setup))
    archived = client.post(
        CHANGELIST, {"action": "archive", "_selected_action": [listing_a.pk], "index": "0"}
    )

    assert (marked.status_code, reverted.status_code, archived.status_code) == (403, 403, 403)
    assert state_of(listing_a) == before


def test_revert_by_get_changes_nothing(as_staff, reverted_setup, listing_a, state_of):
    before = state_of(listing_a)

    as_staff.get(revert_url(listing_a, reverted_setup))

    assert state_of(listing_a) == before


# --- Freshness -----------------------------------------------------------------------


@pytest.fixture
def stale_and_fresh(make_listing, org_a):
    today = timezone.localdate()
    edge = months_before(today, CHECK_AFTER_MONTHS)
    return {
        "stale": make_listing(organisation=org_a, last_checked=edge - timedelta(days=1)),
        "edge": make_listing(organisation=org_a, last_checked=edge),
        "fresh": make_listing(organisation=org_a, last_checked=today),
    }


def test_the_freshness_column_flags_listings_unchecked_for_six_months(as_staff, stale_and_fresh):
    response = as_staff.get(CHANGELIST, {"o": "4"})  # sorted by freshness (last checked)

    page = body(response)
    assert page.count(">Needs checking</strong>") == 1
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]
    assert len(rows) == 3
    stale_row = next(r for r in rows if stale_and_fresh["stale"].name + "<" in r)
    assert "Needs checking" in stale_row
    for key in ["edge", "fresh"]:
        row = next(r for r in rows if stale_and_fresh[key].name + "<" in r)
        assert "Needs checking" not in row
        assert ">Checked<" in row


@pytest.mark.parametrize("value, expected", [("stale", {"stale"}), ("fresh", {"edge", "fresh"})])
def test_the_freshness_filter(as_staff, stale_and_fresh, value, expected):
    response = as_staff.get(CHANGELIST, {"freshness": value})

    assert shown(response) == {stale_and_fresh[key] for key in expected}


# --- People and logs -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/",
        "/admin/auth/user/{editor}/change/",
        "/admin/auth/group/",
        "/admin/admin/logentry/",
        "/admin/admin/logentry/{log}/change/",
        "/admin/directory/organisation/",
        "/admin/axes/accessattempt/",
    ],
)
def test_staff_can_see_people_and_log_entries(as_staff, editor_a, listing_a, url):
    log = LogEntry.objects.log_actions(
        user_id=editor_a.pk, queryset=[listing_a], action_flag=2, change_message="Edited"
    )[0]

    response = as_staff.get(url.format(editor=editor_a.pk, log=log.pk))

    assert response.status_code == 200


def test_staff_see_the_review_queue_link_on_the_changelist(as_staff, listing_a):
    assert "Review queue" in body(as_staff.get(CHANGELIST))


def test_the_history_version_page_cannot_save_a_revert_of_its_own(as_staff, listing_a):
    client, listing, record = as_staff, listing_a, listing_a.history.first()
    url = reverse("admin:directory_listing_simple_history", args=[listing.pk, record.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Changed"}).status_code == 405
    listing.refresh_from_db()
    assert listing.name != "Changed"
