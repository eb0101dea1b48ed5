"""A provider editor sees and changes only their own organisation's listings.

Two organisations, A (Alder) and B (Birchwood), an editor of A, and listings of
both. Every way into the admin an editor has is tried with B's objects: lists,
searches, change/delete/history pages, form tampering, popups, autocomplete,
bulk actions, the index. Anything of B's carries the word "Birchwood", so one
look for that word in a response proves it did not leak.
"""

import html
from datetime import date
from urllib.parse import unquote_plus

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.timezone import localdate

from directory.models import Listing, Organisation, Term

from .admin_forms import listing_form_data, phone, rows_data, share_routes
from .conftest import B_MARK

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
ADD = "/admin/directory/listing/add/"
# Answers that reveal nothing: a redirect, forbidden, not found.
REFUSED = {302, 403, 404}


def body(response):
    return response.content.decode()


def assert_no_trace_of_b(response, *echoed):
    """Assert nothing of B's is in ``response``, apart from ``echoed`` input of the test's own."""
    page = body(response).lower()
    if echoed:  # the search box and filter links repeat the query, quoted up to twice
        page = unquote_plus(unquote_plus(html.unescape(page)))
        for text in echoed:
            page = page.replace(text.lower(), "")
    assert B_MARK not in page


def term(vocabulary, slug):
    return Term.objects.get(vocabulary=vocabulary, slug=slug)


def listing_url(listing_id, suffix=""):
    return f"{CHANGELIST}{listing_id}/{suffix}"


def shown(response):
    """Return the listings on a changelist page."""
    return set(response.context["cl"].result_list)


# --- 1. The changelist and its search ---------------------------------------------


def test_changelist_shows_only_the_editors_own_listings(
    as_editor_a, listing_a, draft_a, listing_b, draft_b
):
    response = as_editor_a.get(CHANGELIST)

    assert response.status_code == 200
    assert shown(response) == {listing_a, draft_a}
    assert listing_a.name in body(response)
    assert_no_trace_of_b(response)


def test_changelist_counts_only_the_editors_own_listings(
    as_editor_a, listing_a, listing_b, draft_b
):
    response = as_editor_a.get(CHANGELIST + "?q=Alder")

    cl = response.context["cl"]
    assert (cl.result_count, cl.full_result_count) == (1, 1)


@pytest.mark.parametrize(
    "query",
    ["Birchwood Victim Conferencing", "Birchwood", "Birchwood Restorative Trust", "Derby"],
)
def test_search_for_the_other_organisations_listings_finds_nothing(
    as_editor_a, listing_a, listing_b, draft_b, query
):
    response = as_editor_a.get(CHANGELIST, {"q": query})

    assert response.status_code == 200
    assert shown(response) == set()
    assert response.context["cl"].result_count == 0
    assert_no_trace_of_b(response, query)


def test_search_still_finds_the_editors_own_listing(as_editor_a, listing_a, listing_b):
    """The search itself works, so the empty results above mean something."""
    response = as_editor_a.get(CHANGELIST, {"q": "Alder Victim"})

    assert shown(response) == {listing_a}


def test_search_does_not_reach_through_to_organisation_names(as_editor_a, listing_a, listing_b):
    response = as_editor_a.get(CHANGELIST, {"q": "Alder Mediation"})

    # Editors search their listings' names and summaries; organisation names
    # are a staff search, and would otherwise be an oracle for B's name.
    assert shown(response) == set()


@pytest.mark.parametrize(
    "params",
    [
        {"organisation": "{org_b}"},
        {"organisation__id__exact": "{org_b}"},
        {"organisation__name__startswith": "Birch"},
        {"organisation__slug": "birchwood-trust"},
        {"status": "published"},
        {"status__exact": "draft"},
        {"slug": "birchwood-victim-conferencing"},
        {"id__in": "{listing_b},{draft_b}"},
        {"pk": "{listing_b}"},
    ],
)
def test_changelist_lookups_in_the_address_never_reach_the_other_organisation(
    as_editor_a, listing_a, listing_b, draft_b, org_b, params
):
    ids = {"org_b": org_b.pk, "listing_b": listing_b.pk, "draft_b": draft_b.pk}
    query = {key: value.format(**ids) for key, value in params.items()}

    response = as_editor_a.get(CHANGELIST, query, follow=True)

    # Lookups across relations that are not a filter are refused outright (400).
    assert response.status_code in {200, 400}
    if response.status_code == 200:
        assert not shown(response) & {listing_b, draft_b}
    assert_no_trace_of_b(response, *query.values())


def test_editor_changelist_makes_the_same_number_of_queries_with_5_and_50_listings(
    client, editor_a, org_a, org_b, make_listing, areas
):
    client.force_login(editor_a)

    def add(count):
        for _ in range(count):
            make_listing(organisation=org_a, areas=[areas["llr"]])
            make_listing(organisation=org_b, areas=[areas["derby"]])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(CHANGELIST)
        assert response.status_code == 200
        return len(captured), response.context["cl"].result_count

    add(5)
    with_five, count = queries()
    assert count == 5
    add(45)
    with_fifty, count = queries()
    assert count == 50
    assert with_fifty == with_five


# --- 2. B's change, delete and history pages, and guessed ids ------------------------

B_PAGES = {
    "change": "change/",
    "delete": "delete/",
    "history": "history/",
    "bare id": "",
    "confirm-checked": "confirm-checked/",
    "mark-reviewed": "mark-reviewed/",
}


def post_data_for(page, listing, form_data):
    if page == "change":
        return form_data(listing, summary="Tampered by another organisation.")
    if page == "delete":
        return {"post": "yes"}
    return {}


@pytest.fixture
def b_listings(listing_b, draft_b):
    # Something for confirm-checked and mark-reviewed to change, were they to work.
    Listing.objects.filter(pk__in=[listing_b.pk, draft_b.pk]).update(
        last_checked=date(2020, 1, 1), needs_review=True
    )
    return [listing_b, draft_b]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", list(B_PAGES))
def test_other_organisations_listing_pages_are_refused(
    as_editor_a, listing_a, b_listings, state_of, form_data, page, method
):
    for listing in b_listings:
        before = state_of(listing)
        url = listing_url(listing.pk, B_PAGES[page])
        data = post_data_for(page, listing, form_data) if method == "post" else None

        response = getattr(as_editor_a, method)(url, data)

        assert response.status_code in REFUSED, url
        assert_no_trace_of_b(response)
        if response.status_code == 302:
            followed = as_editor_a.get(response.url, follow=True)
            assert_no_trace_of_b(followed)
        assert state_of(listing) == before, url


def test_refused_change_page_sends_the_editor_away_not_to_the_listing(as_editor_a, listing_b):
    response = as_editor_a.get(listing_url(listing_b.pk, "change/"))

    assert response.status_code == 302
    assert response.url == "/admin/"


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_historical_version_of_the_other_organisations_listing_is_refused(
    as_editor_a, listing_a, listing_b, state_of, form_data, method
):
    before = state_of(listing_b)
    records = list(listing_b.history.all())
    assert len(records) >= 3  # created, many-to-many set, summary edited

    for record in records:
        url = reverse("admin:directory_listing_simple_history", args=[listing_b.pk, record.pk])
        data = form_data(listing_b, summary="Tampered") if method == "post" else None

        response = getattr(as_editor_a, method)(url, data)

        assert response.status_code in REFUSED, url
        assert_no_trace_of_b(response)
    assert state_of(listing_b) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_organisations_versions_are_refused_under_the_editors_own_listing_id(
    as_editor_a, listing_a, listing_b, state_of, method
):
    before = state_of(listing_b)
    for record in listing_b.history.all():
        url = reverse("admin:directory_listing_simple_history", args=[listing_a.pk, record.pk])

        response = getattr(as_editor_a, method)(url)

        assert response.status_code in REFUSED
        assert_no_trace_of_b(response)
    assert state_of(listing_b) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_reverting_the_other_organisations_listing_is_refused(
    as_editor_a, listing_a, listing_b, state_of, method
):
    before = state_of(listing_b)
    for record in listing_b.history.all():
        url = reverse("admin:directory_listing_revert", args=[listing_b.pk, record.pk])

        response = getattr(as_editor_a, method)(url)

        assert response.status_code in REFUSED
        assert_no_trace_of_b(response)
    assert state_of(listing_b) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_review_queue_is_refused_to_editors(as_editor_a, listing_a, b_listings, method):
    response = getattr(as_editor_a, method)("/admin/directory/listing/review/")

    assert response.status_code == 403
    assert_no_trace_of_b(response)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", [*B_PAGES, "history version", "revert"])
def test_guessed_ids_are_refused_and_create_nothing(
    as_editor_a, listing_a, listing_b, form_data, page, method
):
    count = Listing.objects.count()
    top = Listing.objects.order_by("-pk").first().pk
    top_history = Listing.history.order_by("-history_id").first().history_id
    for guess in [top + 1, top + 1000, 0, 2**31 - 1]:
        if page == "history version":
            url = listing_url(guess, f"history/{top_history}/")
        elif page == "revert":
            url = listing_url(guess, f"history/{top_history}/revert/")
        else:
            url = listing_url(guess, B_PAGES[page])
        data = post_data_for(page, listing_a, form_data) if method == "post" else None

        response = getattr(as_editor_a, method)(url, data)

        assert response.status_code in REFUSED, url
        assert_no_trace_of_b(response)
    assert Listing.objects.count() == count


# --- 3. Tampering with the add and change forms ---------------------------------------


def test_change_form_posting_another_organisation_keeps_the_listing_with_a(
    as_editor_a, listing_a, org_a, org_b, form_data
):
    data = form_data(listing_a, organisation=org_b.pk, summary="Still Alder's, edited.")

    response = as_editor_a.post(listing_url(listing_a.pk, "change/"), data)

    assert response.status_code == 302
    listing_a.refresh_from_db()
    assert listing_a.summary == "Still Alder's, edited."  # the post was taken…
    assert listing_a.organisation == org_a  # …but not its organisation
    assert not org_b.listings.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("status", Listing.Status.DRAFT),
        ("status", Listing.Status.ARCHIVED),
        ("accreditation", Listing.Accreditation.RSQM),
        ("slug", "alder-renamed"),
        ("accreditation_date", "2020-01-01"),
        ("needs_review", ""),
        ("last_checked", "2031-01-01"),
        ("uuid", "00000000-0000-0000-0000-000000000001"),
    ],
)
def test_change_form_ignores_fields_editors_may_not_set(
    as_editor_a, listing_a, form_data, field, value
):
    before = getattr(Listing.objects.get(pk=listing_a.pk), field)
    data = form_data(listing_a, summary="Edited by Alder.", **{field: value})

    response = as_editor_a.post(listing_url(listing_a.pk, "change/"), data)

    assert response.status_code == 302
    listing_a.refresh_from_db()
    assert listing_a.summary == "Edited by Alder."
    if field == "needs_review":
        assert listing_a.needs_review is True
    else:
        assert getattr(listing_a, field) == before


@pytest.mark.parametrize(
    "tamper", [{"status": "published"}, {"status": "archived"}, {"accreditation": "rsqm"}]
)
def test_an_editor_cannot_publish_or_accredit_their_own_draft(
    as_editor_a, draft_a, form_data, tamper
):
    response = as_editor_a.post(listing_url(draft_a.pk, "change/"), form_data(draft_a, **tamper))

    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.status == Listing.Status.DRAFT
    assert draft_a.accreditation == ""
    assert as_editor_a.get(draft_a.get_absolute_url()).status_code == 404


@pytest.fixture
def new_listing_data(org_a, areas):
    return {
        "name": "Alder Family Meetings",
        "organisation": org_a.pk,
        "summary": "Family group conferences in Leicester.",
        "audiences": [term("audience", "families").pk],
        "age_groups": [term("age_group", "adults").pk],
        "delivery_modes": [term("delivery_mode", "family-group-conference").pk],
        "areas": [areas["leicester"].pk],
        **rows_data("contact_routes", [phone("0116 496 0300")]),
        **rows_data("sources", []),
        "_save": "Save",
    }


def test_add_form_refuses_another_organisation(as_editor_a, org_b, new_listing_data):
    response = as_editor_a.post(ADD, {**new_listing_data, "organisation": org_b.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in body(response)
    assert not Listing.objects.filter(slug="alder-family-meetings").exists()
    assert not org_b.listings.exists()
    assert_no_trace_of_b(response)


def test_add_form_ignores_status_accreditation_and_review_flags(
    as_editor_a, org_a, new_listing_data
):
    tampered = {
        **new_listing_data,
        "status": "published",
        "accreditation": "rsqm",
        "accreditation_date": "2020-01-01",
        "needs_review": "",
        "last_checked": "2020-01-01",
        "slug": "chosen-by-the-editor",
        **rows_data("sources", [{"kind": "survey", "date": "2020-01-01"}]),
    }

    response = as_editor_a.post(ADD, tampered)

    assert response.status_code == 302
    listing = Listing.objects.get(slug="alder-family-meetings")
    assert listing.organisation == org_a
    assert listing.status == Listing.Status.DRAFT
    assert (listing.accreditation, listing.accreditation_date) == ("", None)
    assert listing.needs_review is True
    assert listing.last_checked == timezone.localdate()
    assert [source["kind"] for source in listing.sources] == ["provider"]


def test_save_as_new_with_another_organisation_creates_nothing(
    as_editor_a, listing_a, org_b, form_data, state_of
):
    before = state_of(listing_a)
    data = form_data(
        listing_a, organisation=org_b.pk, name="Alder Copy", _saveasnew="Save as new", _save=None
    )

    response = as_editor_a.post(listing_url(listing_a.pk, "change/"), data)

    assert response.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in body(response)
    assert not Listing.objects.filter(name="Alder Copy").exists()
    assert not org_b.listings.exists()
    assert state_of(listing_a) == before
    assert_no_trace_of_b(response)


def test_save_as_new_makes_an_unpublished_unaccredited_draft_of_a(
    as_editor_a, listing_a, org_a, form_data, state_of
):
    before = state_of(listing_a)
    data = form_data(
        listing_a,
        name="Alder Copy",
        slug="tampered-address",
        status="published",
        accreditation="rsqm",
        _saveasnew="Save as new",
        _save=None,
    )

    response = as_editor_a.post(listing_url(listing_a.pk, "change/"), data)

    assert response.status_code == 302
    copy = Listing.objects.get(name="Alder Copy")
    assert copy.slug == "alder-copy"  # made from the name: editors never set it
    assert copy.organisation == org_a
    assert copy.status == Listing.Status.DRAFT
    assert copy.accreditation == ""
    assert copy.needs_review is True
    assert state_of(listing_a) == before


def test_save_as_new_at_the_other_organisations_address_copies_nothing_of_b(
    as_editor_a, listing_a, listing_b, org_a, org_b, form_data, state_of
):
    before = state_of(listing_b)
    data = form_data(
        listing_a,
        name="Alder Copy",
        organisation=org_b.pk,
        _saveasnew="Save as new",
        _save=None,
    )

    refused = as_editor_a.post(listing_url(listing_b.pk, "change/"), data)
    taken = as_editor_a.post(
        listing_url(listing_b.pk, "change/"), {**data, "organisation": org_a.pk}
    )

    # Django treats "save as new" as an add: the form is the editor's own
    # input, never B's listing, and its organisation choices are A's alone.
    assert refused.status_code == 200
    assert_no_trace_of_b(refused)
    assert taken.status_code == 302
    copy = Listing.objects.get(slug="alder-copy")
    assert (copy.organisation, copy.status) == (org_a, Listing.Status.DRAFT)
    assert copy.summary == listing_a.summary
    assert list(org_b.listings.all()) == [listing_b]
    assert state_of(listing_b) == before


# --- 4. Autocomplete, popups, filters, inlines -------------------------------------


def autocomplete_sources():
    """Yield (app_label, model_name, field_name, target model) for every relation
    whose target has an admin: each is a way to ask the autocomplete view."""
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            remote = getattr(field, "remote_field", None)
            if remote is None or not field.concrete:
                continue
            if admin.site.is_registered(remote.model):
                yield model._meta.app_label, model._meta.model_name, field.name, remote.model


def test_autocomplete_never_returns_the_other_organisations_objects(
    as_editor_a, listing_a, listing_b, draft_b, editor_b
):
    sources = list(autocomplete_sources())
    answered = []
    for app_label, model_name, field_name, target in sources:
        for term_ in ["", "Birch", "Alder"]:
            response = as_editor_a.get(
                "/admin/autocomplete/",
                {
                    "app_label": app_label,
                    "model_name": model_name,
                    "field_name": field_name,
                    "term": term_,
                },
            )
            where = (app_label, model_name, field_name, term_)
            assert response.status_code in {200, 403, 404}, where
            assert_no_trace_of_b(response)
            if response.status_code == 200:
                # Only listings may be looked up by an editor, and only their own.
                assert target is Listing, where
                ids = {int(r["id"]) for r in response.json()["results"]}
                assert ids <= {listing_a.pk}, where
                answered.append((where, ids))
    # Not vacuous: the listing lookup from problem reports does answer, with A's.
    assert (("directory", "problemreport", "listing", ""), {listing_a.pk}) in answered


@pytest.mark.parametrize(
    "url",
    [
        "/admin/directory/organisation/?_popup=1&_to_field=id",
        "/admin/directory/organisation/?_popup=1&_to_field=id&q=Birch",
        "/admin/directory/organisation/add/?_popup=1&_to_field=id",
        "/admin/directory/organisation/{org_b}/change/?_popup=1&_to_field=id",
        "/admin/directory/organisation/{org_a}/change/?_popup=1&_to_field=id",
        "/admin/auth/user/?_popup=1&_to_field=id",
        "/admin/auth/user/{editor_b}/change/?_popup=1&_to_field=id",
        "/admin/directory/area/?_popup=1&_to_field=id",
        "/admin/directory/term/?_popup=1&_to_field=id",
        "/admin/directory/listing/{listing_b}/change/?_popup=1&_to_field=id",
        "/admin/directory/listing/{listing_b}/delete/?_popup=1&_to_field=id",
        "/admin/directory/listing/?_popup=1&_to_field=organisation",
    ],
)
def test_popups_for_other_objects_are_refused(
    as_editor_a, listing_a, listing_b, org_a, org_b, editor_b, url
):
    ids = {"org_a": org_a.pk, "org_b": org_b.pk, "editor_b": editor_b.pk}
    ids["listing_b"] = listing_b.pk

    response = as_editor_a.get(url.format(**ids))

    assert response.status_code in {*REFUSED, 400}
    assert_no_trace_of_b(response)


def test_raw_id_lookup_popup_of_listings_shows_only_the_editors_own(
    as_editor_a, listing_a, listing_b, draft_b
):
    response = as_editor_a.get(CHANGELIST, {"_popup": "1", "_to_field": "id"})

    assert response.status_code == 200
    assert shown(response) == {listing_a}
    assert_no_trace_of_b(response)


def test_add_form_offers_only_the_editors_own_organisation(
    as_editor_a, org_a, org_b, listing_b, make_organisation
):
    make_organisation(name="Birchwood Sister Charity", slug="birchwood-sister")

    response = as_editor_a.get(ADD)

    assert response.status_code == 200
    choices = response.context["adminform"].form.fields["organisation"].queryset
    assert list(choices) == [org_a]
    assert org_a.name in body(response)
    assert_no_trace_of_b(response)


def test_add_form_prefilled_from_the_address_with_bs_organisation_shows_nothing_of_b(
    as_editor_a, org_a, org_b, listing_b
):
    response = as_editor_a.get(ADD, {"organisation": org_b.pk, "areas": "1"})

    assert response.status_code == 200
    assert f'value="{org_b.pk}" selected' not in body(response)
    assert_no_trace_of_b(response)


def test_forms_have_no_links_to_add_change_or_view_organisations(as_editor_a, listing_a):
    for url in [ADD, listing_url(listing_a.pk, "change/")]:
        page = body(as_editor_a.get(url))

        assert "/admin/directory/organisation/" not in page
        assert "related-widget-wrapper-link" not in page
        assert "/admin/directory/area/" not in page


def test_change_form_shows_the_organisation_as_text_and_nothing_of_b(
    as_editor_a, listing_a, listing_b, draft_b
):
    response = as_editor_a.get(listing_url(listing_a.pk, "change/"))

    assert response.status_code == 200
    assert "organisation" not in response.context["adminform"].form.fields
    assert "Alder Mediation" in body(response)
    assert response.context["inline_admin_formsets"] == []
    assert_no_trace_of_b(response)


def test_changelist_filters_are_status_and_freshness_only(as_editor_a, listing_a, listing_b):
    response = as_editor_a.get(CHANGELIST)

    titles = [str(spec.title) for spec in response.context["cl"].filter_specs]
    assert titles == ["status", "last checked"]
    assert_no_trace_of_b(response)


def test_changelist_filters_show_nothing_of_b_when_used(as_editor_a, listing_a, listing_b):
    for query in ["?status__exact=published", "?freshness=fresh", "?freshness=stale"]:
        response = as_editor_a.get(CHANGELIST + query)

        assert response.status_code == 200
        assert listing_b not in shown(response)
        assert_no_trace_of_b(response)


# --- 5. Bulk actions ---------------------------------------------------------------


@pytest.mark.parametrize(
    "action", ["publish", "unpublish", "archive", "mark_reviewed", "delete_selected"]
)
@pytest.mark.parametrize("select_across", ["0", "1"])
def test_bulk_actions_with_b_ids_touch_nothing_of_b(
    as_editor_a, listing_a, draft_a, b_listings, state_of, action, select_across
):
    everything = [listing_a, draft_a, *b_listings]
    before = {listing.pk: state_of(listing) for listing in everything}
    data = {
        "action": action,
        "_selected_action": [listing.pk for listing in everything],
        "select_across": select_across,
        "index": "0",
    }

    response = as_editor_a.post(CHANGELIST, data, follow=True)

    assert response.status_code in {200, 403}
    assert_no_trace_of_b(response)
    if action == "delete_selected":  # the confirmation step, too
        as_editor_a.post(CHANGELIST, {**data, "post": "yes"})
    # Editors have no bulk actions at all: neither B's listings nor their own change.
    assert {listing.pk: state_of(listing) for listing in everything} == before


def test_the_changelist_offers_editors_no_actions_and_no_review_queue(as_editor_a, listing_a):
    page = body(as_editor_a.get(CHANGELIST))

    assert 'name="action"' not in page
    assert "action-checkbox" not in page
    assert "Review queue" not in page


# --- 6. The index, people and logs ---------------------------------------------------


def test_index_lists_only_listings_and_no_recent_actions_on_b(
    client, editor_a, editor_b, staff_user, listing_a, listing_b, form_data
):
    as_b, as_staff = Client(), Client()
    as_b.force_login(editor_b)
    as_b.post(listing_url(listing_b.pk, "change/"), form_data(listing_b, summary="Birchwood edit"))
    as_staff.force_login(staff_user)
    data = form_data(listing_b, status="published", summary="Birchwood staff edit")
    as_staff.post(listing_url(listing_b.pk, "change/"), data)
    client.force_login(editor_a)
    client.post(listing_url(listing_a.pk, "change/"), form_data(listing_a, summary="Alder edit"))
    assert LogEntry.objects.filter(object_id=str(listing_b.pk)).count() == 2

    response = client.get("/admin/")

    assert response.status_code == 200
    models = [m["object_name"] for app in response.context["app_list"] for m in app["models"]]
    assert models == ["Listing"]
    page = body(response)
    assert "Recent actions" in page
    assert listing_a.name in page  # the editor's own action is listed…
    assert_no_trace_of_b(response)  # …and nobody else's


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/user/{editor_a}/change/",
        "/admin/auth/user/{editor_b}/change/",
        "/admin/auth/user/{editor_b}/password/",
        "/admin/auth/user/{editor_b}/history/",
        "/admin/auth/group/",
        "/admin/auth/group/{group}/change/",
        "/admin/admin/logentry/",
        "/admin/admin/logentry/{log}/change/",
        "/admin/axes/accessattempt/",
        "/admin/axes/accesslog/",
        "/admin/directory/organisation/",
        "/admin/directory/organisation/{org_a}/change/",
        "/admin/directory/organisation/{org_b}/change/",
        "/admin/directory/organisation/{org_b}/history/",
        "/admin/directory/area/",
        "/admin/directory/term/",
    ],
)
def test_people_groups_logs_and_reference_data_are_forbidden(
    as_editor_a, editor_a, editor_b, org_a, org_b, listing_b, url
):
    log = LogEntry.objects.log_actions(
        user_id=editor_b.pk, queryset=[listing_b], action_flag=2, change_message="Birchwood"
    )[0]
    ids = {
        "editor_a": editor_a.pk,
        "editor_b": editor_b.pk,
        "org_a": org_a.pk,
        "org_b": org_b.pk,
        "group": Group.objects.get(name="Provider editors").pk,
        "log": log.pk,
    }

    response = as_editor_a.get(url.format(**ids))

    assert response.status_code == 403
    assert_no_trace_of_b(response)


@pytest.mark.parametrize("app", ["auth", "admin", "axes"])
def test_app_pages_without_permitted_models_are_not_found(as_editor_a, app):
    assert as_editor_a.get(f"/admin/{app}/").status_code == 404


def test_view_on_site_redirect_does_not_reveal_the_other_organisations_draft(
    as_editor_a, listing_a, draft_b
):
    content_type = ContentType.objects.get_for_model(Listing)

    response = as_editor_a.get(f"/admin/r/{content_type.pk}/{draft_b.pk}/")

    assert B_MARK not in response.get("Location", "").lower()
    assert response.status_code in {403, 404}


# --- What an editor may do --------------------------------------------------------


def test_editor_edits_a_published_listing_and_it_goes_live_at_once(
    as_editor_a, editor_a, listing_a, form_data, staff_user, client
):
    data = form_data(listing_a, summary="Now also in Rutland.")

    response = as_editor_a.post(listing_url(listing_a.pk, "change/"), data)

    assert response.status_code == 302
    listing_a.refresh_from_db()
    assert listing_a.status == Listing.Status.PUBLISHED
    assert listing_a.needs_review is True
    assert "Now also in Rutland." in body(as_editor_a.get(listing_a.get_absolute_url()))
    latest = listing_a.history.first()
    assert (latest.summary, latest.history_user) == ("Now also in Rutland.", editor_a)


def test_an_editors_edit_puts_the_listing_in_the_staff_review_queue(
    client, editor_a, staff_user, listing_a, form_data
):
    client.force_login(editor_a)
    client.post(listing_url(listing_a.pk, "change/"), form_data(listing_a, summary="Changed."))
    client.force_login(staff_user)

    response = client.get("/admin/directory/listing/review/")

    assert [item["listing"] for item in response.context["queue"]] == [listing_a]


def test_editor_adds_a_draft_that_is_not_public(as_editor_a, editor_a, org_a, new_listing_data):
    response = as_editor_a.post(ADD, new_listing_data)

    assert response.status_code == 302
    listing = Listing.objects.get(slug="alder-family-meetings")
    assert listing.organisation == org_a
    assert listing.status == Listing.Status.DRAFT
    assert listing.needs_review is True
    assert listing.history.first().history_user == editor_a
    assert as_editor_a.get("/services/alder-family-meetings/").status_code == 404


def test_an_editor_without_an_organisation_can_add_nothing(client, make_user, listing_a):
    loner = make_user("loner", group="Provider editors")
    client.force_login(loner)

    assert client.get(ADD).status_code == 403
    assert shown(client.get(CHANGELIST)) == set()


def test_editor_confirms_details_are_still_correct(as_editor_a, editor_a, listing_a, state_of):
    Listing.objects.filter(pk=listing_a.pk).update(last_checked=date(2024, 1, 15))
    before = state_of(listing_a)
    url = listing_url(listing_a.pk, "confirm-checked/")
    assert "15 January 2024" in body(as_editor_a.get(listing_a.get_absolute_url()))

    page = as_editor_a.get(url)
    response = as_editor_a.post(url)

    assert page.status_code == 200
    assert response.status_code == 302
    assert response.url == listing_url(listing_a.pk, "change/")
    after = state_of(listing_a)
    today = timezone.localdate()
    assert after["last_checked"] == today
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {"last_checked", "updated", "version", "history_count"}
    latest = listing_a.history.first()
    assert latest.history_user == editor_a
    assert latest.history_change_reason == "Confirmed the details are still correct"
    public = body(as_editor_a.get(listing_a.get_absolute_url()))
    assert f'Last checked on <time datetime="{today:%Y-%m-%d}">' in public
    assert dateformat.format(today, "j F Y") in public


def test_confirming_needs_the_csrf_token(editor_a, listing_a, state_of):
    Listing.objects.filter(pk=listing_a.pk).update(last_checked=date(2024, 1, 15))
    before = state_of(listing_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_a)

    response = client.post(listing_url(listing_a.pk, "confirm-checked/"))

    assert response.status_code == 403
    assert state_of(listing_a) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_editor_cannot_delete_their_own_listing(as_editor_a, listing_a, method):
    response = getattr(as_editor_a, method)(
        listing_url(listing_a.pk, "delete/"), {"post": "yes"} if method == "post" else None
    )

    assert response.status_code == 403
    assert Listing.objects.filter(pk=listing_a.pk).exists()


def test_an_editor_cannot_open_even_their_own_listings_history(as_editor_a, listing_a):
    record = listing_a.history.first()

    # 404, as for any id: the answer never tells an editor which listings exist.
    assert as_editor_a.get(listing_url(listing_a.pk, "history/")).status_code == 404
    url = reverse("admin:directory_listing_simple_history", args=[listing_a.pk, record.pk])
    assert as_editor_a.get(url).status_code == 404
    assert "/history/" not in body(as_editor_a.get(listing_url(listing_a.pk, "change/")))


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_editor_cannot_mark_their_own_listing_reviewed(as_editor_a, listing_a, method):
    Listing.objects.filter(pk=listing_a.pk).update(needs_review=True)

    response = getattr(as_editor_a, method)(listing_url(listing_a.pk, "mark-reviewed/"))

    assert response.status_code == 403
    listing_a.refresh_from_db()
    assert listing_a.needs_review is True


def test_history_pages_answer_the_same_for_b_and_for_a_missing_id(as_editor_a, listing_b):
    missing = Listing.objects.order_by("-pk").first().pk + 1000
    for pk in (listing_b.pk, missing):
        assert as_editor_a.get(listing_url(pk, "history/")).status_code == 404


def test_an_editors_save_counts_as_a_check_of_the_details(as_editor_a, listing_a, form_data):
    Listing.objects.filter(pk=listing_a.pk).update(last_checked="2025-01-01")
    listing_a.refresh_from_db()
    response = as_editor_a.post(listing_url(listing_a.pk, "change/"), form_data(listing_a))
    assert response.status_code == 302
    listing_a.refresh_from_db()
    assert listing_a.last_checked == localdate()


# --- 7. Organisations' shared ways to get in touch -----------------------------------


def organisation_state(organisation):
    fresh = Organisation.objects.get(pk=organisation.pk)
    state = {field.attname: getattr(fresh, field.attname) for field in Organisation._meta.fields}
    state["editors"] = sorted(fresh.editors.values_list("pk", flat=True))
    state["history"] = fresh.history.count()
    return state


def shared_url(organisation, listing=None):
    url = reverse("admin:directory_listing_shared_routes", args=[organisation.pk])
    return f"{url}?listing={listing.pk}" if listing else url


def routes_post(routes, **extra):
    return {**rows_data("contact_routes", routes, extra=2), **extra}


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_editor_cannot_reach_another_organisations_shared_page(
    as_editor_a, listing_a, listing_b, org_b, method
):
    share_routes(org_b, [phone("0115 496 0200")])
    before = organisation_state(org_b)
    data = routes_post([phone("0116 496 0666")]) if method == "post" else None

    response = getattr(as_editor_a, method)(shared_url(org_b, listing_b), data)

    assert response.status_code == 404
    assert B_MARK not in body(response).lower()
    assert organisation_state(org_b) == before


def test_the_organisation_admin_stays_closed_to_editors(as_editor_a, org_a, editor_b):
    before = organisation_state(org_a)
    data = {
        "name": "Alder Renamed",
        "slug": org_a.slug,
        "kind": "voluntary",
        **routes_post([phone("0116 496 0666")]),
    }

    response = as_editor_a.post(f"/admin/directory/organisation/{org_a.pk}/change/", data)

    assert response.status_code == 403
    assert organisation_state(org_a) == before
