"""The admin as forum staff meet it: plain words on history and review pages, the
site's name on every page, a listings list that fits, and the filters a curator needs."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from directory import services
from directory.admin.listing_filters import (
    AreaFilter,
    AudienceFilter,
    ContactFilter,
    OrganisationKindFilter,
)
from directory.models import Listing

from .conftest import B_MARK

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

CHANGELIST = "/admin/directory/listing/"
REVIEW = "/admin/directory/listing/review/"
PHONE = [{"kind": "phone", "value": "0116 496 0000"}]


def body(response):
    return response.content.decode()


def shown(response):
    return set(response.context["cl"].result_list)


def headings(response):
    return re.findall(r"<h1\b", body(response))


def save(listing, by=None, **changes):
    for name, value in changes.items():
        setattr(listing, name, value)
    listing._history_user = by
    listing.save()
    return listing


# --- 1. History and review pages in plain words --------------------------------------


CODE_WORDS = ["revert_link", "REVERT_LINK", "None", "False", "True", "needs_review"]


@pytest.fixture
def edited(listing_a, staff_user):
    """listing_a saved by nobody known, then flagged for review, then its summary given
    Windows line endings only."""
    save(listing_a, summary="First line.\nSecond line.")
    save(listing_a, needs_review=True)
    save(listing_a, by=staff_user, summary="First line.\r\nSecond line.  ")
    return listing_a


@pytest.mark.parametrize(
    "url",
    [
        "/admin/directory/listing/{listing}/history/",
        "/admin/directory/organisation/{organisation}/history/",
    ],
)
def test_history_pages_say_no_field_names_or_python_values(as_staff, edited, url):
    organisation = edited.organisation
    organisation.description = "Mediation across Leicester."
    organisation.save()

    response = as_staff.get(url.format(listing=edited.pk, organisation=organisation.pk))

    assert response.status_code == 200
    page = body(response)
    for word in CODE_WORDS:
        assert word not in page, word
    assert "style=" not in page
    assert "Not recorded: the system, or an unknown person" in page
    assert len(headings(response)) == 1


def test_the_listing_history_shows_real_changes_only(as_staff, edited):
    page = body(as_staff.get(f"/admin/directory/listing/{edited.pk}/history/"))

    assert "Revert to this version…" in page
    assert '<th scope="col">Revert</th>' in page
    # The first edit changed the summary; the line-ending one and the flag changed nothing.
    assert page.count("<strong>Summary:</strong>") == 1
    assert "Needs review" not in page
    assert page.count("Nothing people read") == 2


def test_the_review_queue_ignores_changed_line_endings_and_spaces(as_staff, listing_a, staff_user):
    save(listing_a, description="One.\nTwo.")
    services.listing_mark_reviewed(listing=listing_a, by=staff_user)
    save(listing_a, description="One.\r\nTwo.\r\n  ", needs_review=True)

    response = as_staff.get(REVIEW)

    [item] = response.context["queue"]
    assert item["changes"] == []
    assert "Saved without changes to its content." in body(response)
    assert len(headings(response)) == 1


def test_the_review_queue_shows_a_real_change_in_words(as_staff, listing_a, staff_user):
    services.listing_mark_reviewed(listing=listing_a, by=staff_user)
    save(listing_a, self_referral=not listing_a.self_referral, summary="New.", needs_review=True)

    [item] = as_staff.get(REVIEW).context["queue"]

    changes = {label: (before, after) for label, before, after in item["changes"]}
    assert changes["Summary"][1] == "New."
    assert set(changes[next(k for k in changes if k != "Summary")]) == {"yes", "no"}


@pytest.mark.parametrize("page", ["confirm-checked/", "history/{version}/revert/"])
def test_listing_pages_have_one_heading(as_staff, listing_a, page):
    version = listing_a.history.first().history_id
    response = as_staff.get(f"{CHANGELIST}{listing_a.pk}/{page.format(version=version)}")

    assert response.status_code == 200
    assert len(headings(response)) == 1


# --- 2. The site's name everywhere -----------------------------------------------------


DJANGO_NAMES = ["Django administration", "Django site admin"]


def assert_site_name(response):
    page = body(response)
    for name in DJANGO_NAMES:
        assert name not in page
    assert "East Midlands Restorative Justice Directory" in page


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/password_change/",
        "/admin/password_change/done/",
        CHANGELIST,
        REVIEW,
    ],
)
def test_admin_pages_carry_the_sites_name(as_staff, listing_a, url):
    response = as_staff.get(url)

    assert response.status_code == 200
    assert_site_name(response)


def test_account_pages_carry_the_sites_name(client, editor_a):
    uid = urlsafe_base64_encode(force_bytes(editor_a.pk))
    token = default_token_generator.make_token(editor_a)

    form = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    broken = client.get(f"/accounts/reset/{uid}/not-a-token/")
    done = client.get("/accounts/reset/done/")

    login = client.get("/admin/login/")

    for response in [form, broken, done, login]:
        assert response.status_code == 200
        assert_site_name(response)
    assert "Choose your password |" in body(form)


# --- 3. The listings list fits 1280 pixels ---------------------------------------------


def test_the_listings_list_has_few_short_columns(as_staff, listing_a):
    response = as_staff.get(CHANGELIST)

    assert response.context["cl"].list_display == [
        "action_checkbox",
        "name",
        "organisation",
        "status",
        "freshness",
        "to_review",
    ]
    page = body(response)
    assert "admin/css/directory" in page  # the stylesheet that lets long names wrap
    assert f"{listing_a.last_checked:%-d %b %Y}" in page


# --- 4. Filters a curator needs -------------------------------------------------------


@pytest.fixture
def spread(make_listing, make_organisation, org_a, areas):
    voluntary = make_organisation(name="Cedar Voices", slug="cedar", kind="voluntary")
    sharing = make_organisation(name="Damson Trust", slug="damson", contact_routes=PHONE)
    return {
        "leicester": make_listing(
            name="Leicester Meetings",
            organisation=org_a,
            areas=[areas["leicester"]],
            contact_routes=PHONE,
        ),
        "rutland_young": make_listing(
            name="Rutland Young People",
            organisation=voluntary,
            areas=[areas["rutland"]],
            audiences=["people-who-caused-harm"],
            contact_routes=[],
        ),
        "shared_only": make_listing(
            name="Damson Letters", organisation=sharing, areas=[areas["derby"]], contact_routes=[]
        ),
    }


def test_staff_see_the_filters_in_plain_words(as_staff, spread):
    response = as_staff.get(CHANGELIST)

    titles = [str(spec.title) for spec in response.context["cl"].filter_specs]
    assert titles == [
        "status",
        "last checked",
        "changed by a provider",
        "ways to get in touch",
        "area covered",
        "who it is for",
        "who runs it",
        "organisation",
    ]
    for word in ["needs_review", "kind", "By needs review"]:
        assert f"By {word}" not in body(response)


def test_the_area_filter_finds_listings_covering_that_area(as_staff, spread, areas):
    response = as_staff.get(CHANGELIST, {AreaFilter.parameter_name: areas["rutland"].pk})

    assert shown(response) == {spread["rutland_young"]}


def test_the_audience_filter(as_staff, spread):
    response = as_staff.get(CHANGELIST, {AudienceFilter.parameter_name: "people-who-caused-harm"})

    assert shown(response) == {spread["rutland_young"]}


def test_the_no_way_to_get_in_touch_filter_counts_shared_routes(as_staff, spread):
    response = as_staff.get(CHANGELIST, {ContactFilter.parameter_name: ContactFilter.NONE})

    assert shown(response) == {spread["rutland_young"]}
    some = as_staff.get(CHANGELIST, {ContactFilter.parameter_name: ContactFilter.SOME})
    assert spread["shared_only"] in shown(some)
    assert spread["rutland_young"] not in shown(some)


def test_the_organisation_kind_filter(as_staff, spread):
    response = as_staff.get(CHANGELIST, {OrganisationKindFilter.parameter_name: "voluntary"})

    assert shown(response) == {spread["rutland_young"]}


@pytest.mark.parametrize(
    "query",
    [
        {"area": "derby"},
        {"audience": "people-harmed"},
        {"contact": "none"},
        {"contact": "some"},
        {"organisation_kind": "statutory"},
        {"organisation__id__exact": "{b}"},
        {"needs_review__exact": "1"},
        {"status__exact": "all"},
        {"freshness": "stale"},
    ],
)
def test_no_filter_shows_an_editor_another_organisations_listing(
    as_editor_a, listing_a, listing_b, draft_b, areas, query
):
    if query.get("area") == "derby":
        query = {"area": areas["derby"].pk}
    if "organisation__id__exact" in query:
        query = {"organisation__id__exact": listing_b.organisation_id}
    Listing.objects.filter(pk=listing_b.pk).update(contact_routes=[], needs_review=True)

    response = as_editor_a.get(CHANGELIST, query, follow=True)

    # Staff-only filters are refused (400) or dropped; none reaches B.
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert listing_b not in shown(response)
        assert draft_b not in shown(response)
    assert B_MARK not in body(response).lower()
