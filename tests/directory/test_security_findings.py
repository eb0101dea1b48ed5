"""Findings of the security review: hand-made admin addresses never leak another
organisation's draft, and no filter typed into an admin address causes a server error.

The editor of organisation A (Alder) tries B's (Birchwood) draft; anything of B's
carries the word "Birchwood", so one look at the redirect proves nothing leaked.
"""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from directory.models import Listing, ProblemReport

from .conftest import B_MARK

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


# --- 1. "View on site" never reveals what the admin would not show ------------------


def listing_type_id():
    return ContentType.objects.get_for_model(Listing).pk


def other_spellings(number):
    """Ways of writing ``number`` that Python's int() reads as the same number."""
    digits = str(number)
    fullwidth = "".join(chr(ord(d) - ord("0") + 0xFF10) for d in digits)
    arabic_indic = "".join(chr(ord(d) - ord("0") + 0x0660) for d in digits)
    return [
        f"+{digits}",
        f"%2B{digits}",
        f"%20{digits}",
        f"{digits}%20",
        f"%09{digits}",
        f"0{digits}",
        f"00{digits}",
        f"0_{digits}",
        "".join(f"%EF%BC%{0x90 + int(d):02X}" for d in digits),  # fullwidth, percent-encoded
        fullwidth,
        arabic_indic,
        f"{digits}.0",
        f"-{digits}",
    ]


def test_the_admins_own_view_on_site_address_is_the_checked_one(draft_b):
    url = reverse("admin:view_on_site", args=[listing_type_id(), draft_b.pk])

    assert url == f"/admin/r/{listing_type_id()}/{draft_b.pk}/"


def test_an_editor_is_sent_to_their_own_listings_page(as_editor_a, listing_a):
    response = as_editor_a.get(f"/admin/r/{listing_type_id()}/{listing_a.pk}/")

    assert response.status_code == 302
    assert response["Location"].endswith(listing_a.get_absolute_url())


def test_an_editor_is_not_told_the_address_of_their_unpublished_listing(as_editor_a, draft_a):
    # It is made from the name, so it would say whether another organisation's
    # draft holds that address (tests/directory/test_editor_slugs.py).
    assert as_editor_a.get(f"/admin/r/{listing_type_id()}/{draft_a.pk}/").status_code == 404


def test_forum_staff_are_sent_to_any_listings_page(as_staff, draft_b):
    response = as_staff.get(f"/admin/r/{listing_type_id()}/{draft_b.pk}/")

    assert response.status_code == 302
    assert response["Location"].endswith(draft_b.get_absolute_url())


@pytest.mark.parametrize("index", range(13))
def test_no_spelling_of_the_content_type_reaches_the_other_organisations_draft(
    as_editor_a, listing_a, draft_b, index
):
    spelling = other_spellings(listing_type_id())[index]

    response = as_editor_a.get(f"/admin/r/{spelling}/{draft_b.pk}/")

    assert B_MARK not in response.get("Location", "").lower()
    assert response.status_code == 404


@pytest.mark.parametrize("index", range(13))
def test_no_spelling_of_the_object_id_reaches_the_other_organisations_draft(
    as_editor_a, listing_a, draft_b, index
):
    spelling = other_spellings(draft_b.pk)[index]

    response = as_editor_a.get(f"/admin/r/{listing_type_id()}/{spelling}/")

    assert B_MARK not in response.get("Location", "").lower()
    assert response.status_code == 404


@pytest.mark.parametrize("index", range(13))
def test_both_spelt_oddly_still_reach_nothing(as_editor_a, draft_b, index):
    type_spelling = other_spellings(listing_type_id())[index]
    id_spelling = other_spellings(draft_b.pk)[index]

    response = as_editor_a.get(f"/admin/r/{type_spelling}/{id_spelling}/")

    assert B_MARK not in response.get("Location", "").lower()
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/admin/r/{ct}/{pk}/extra/", "/admin/r/{ct}/{pk}//", "/admin/r//{ct}/{pk}/"],
)
def test_extra_path_segments_reach_nothing(as_editor_a, draft_b, path):
    response = as_editor_a.get(path.format(ct=listing_type_id(), pk=draft_b.pk))

    assert B_MARK not in response.get("Location", "").lower()
    assert response.status_code == 404


def test_odd_spellings_are_not_found_for_staff_either(as_staff, draft_b):
    """Only the admin's own canonical address works: nothing to guess or tell apart."""
    response = as_staff.get(f"/admin/r/+{listing_type_id()}/{draft_b.pk}/")

    assert response.status_code == 404


def test_an_object_of_a_model_with_no_admin_is_not_found(as_staff, draft_b):
    content_type = ContentType.objects.get_for_model(ContentType)

    response = as_staff.get(f"/admin/r/{content_type.pk}/{content_type.pk}/")

    assert response.status_code == 404


def test_view_on_site_needs_a_signed_in_staff_member(client, draft_b):
    response = client.get(f"/admin/r/{listing_type_id()}/{draft_b.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert B_MARK not in response["Location"].lower()


# --- 2. A filter the database cannot use is "invalid", never a server error -------------

HUGE = "9" * 20  # beyond a 64-bit integer
CHANGELISTS = {
    "listing": "/admin/directory/listing/",
    "organisation": "/admin/directory/organisation/",
    "area": "/admin/directory/area/",
    "term": "/admin/directory/term/",
    "report": "/admin/directory/problemreport/",
    "synonym": "/admin/directory/searchsynonym/",
    "page": "/admin/pages/page/",
    "onward-route": "/admin/pages/onwardroute/",
    "user": "/admin/auth/user/",
    "group": "/admin/auth/group/",
    "log": "/admin/admin/logentry/",
}
BAD_ID_LOOKUPS = [
    {"id__in": HUGE},
    {"id__in": f"-1,{HUGE}"},
    {"id": HUGE},
    {"id__gt": HUGE},
    {"pk__in": f"-{HUGE}"},
]
# A date lookup per model that has one, with values no date can hold.
DATE_FIELDS = {
    "listing": "last_checked",
    "organisation": "created",
    "report": "created",
    "page": "updated",
    "user": "date_joined",
    "log": "action_time",
}
BAD_DATE_VALUES = [
    ("__year", "99999"),
    ("__year", "0"),
    ("__year", "-1"),
    ("__year", HUGE),
    ("__month", "13"),
    ("__day", "99999"),
    ("__gte", "9999-12-31T23:59:59-01:00"),
    ("__lt", "0001-01-01T00:00:00+05:00"),
    ("__gte", "99999-01-01"),
]
# Some data in every list, so that every query has rows to look at.
EVERYTHING = ["listing_a", "draft_b", "some_report", "some_log_entry"]


@pytest.fixture
def as_superuser(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(user)
    return client


@pytest.fixture
def some_report(listing_a):
    return ProblemReport.objects.create(listing=listing_a, message="The phone number is wrong.")


@pytest.fixture
def some_log_entry(staff_user, listing_a):
    return LogEntry.objects.log_actions(staff_user.pk, [listing_a], ADDITION, single_object=True)


def filtered(client, url, params):
    """GET a changelist filtered by ``params``: return "invalid" if the admin refused the
    filter (back to the whole list, with a message), "nothing" if it found nothing,
    else what went wrong.

    Which of the first two depends on the database: PostgreSQL compares an id with a
    number beyond its integers and finds nothing, SQLite's driver cannot send such a
    number. Neither is a server error."""
    try:
        response = client.get(url, params)
    except Exception as error:  # the test client raises what would have been a 500
        return f"server error: {error!r}"
    if response.status_code == 302 and response["Location"] == f"{url}?e=1":
        page = client.get(response["Location"])
        if page.status_code == 200 and "could not be used" in page.content.decode():
            return "invalid"
        return f"redirected to a page without the message: {page.status_code}"
    if response.status_code == 200 and not list(response.context["cl"].result_list):
        return "nothing"
    return f"answered {response.status_code}: {response.content[:200]!r}"


def answers(client, url, many_params, allowed):
    """Return the answers to each of ``many_params`` that are not in ``allowed``."""
    found = {
        "&".join(f"{k}={v}" for k, v in p.items()): filtered(client, url, p) for p in many_params
    }
    return {query: answer for query, answer in found.items() if answer not in allowed}


@pytest.mark.usefixtures(*EVERYTHING)
@pytest.mark.parametrize("name", CHANGELISTS)
def test_an_id_too_large_for_the_database_is_never_a_server_error(as_superuser, name):
    unexpected = answers(
        as_superuser, CHANGELISTS[name], BAD_ID_LOOKUPS, allowed={"invalid", "nothing"}
    )

    assert unexpected == {}


@pytest.mark.usefixtures(*EVERYTHING)
@pytest.mark.parametrize("name", DATE_FIELDS)
def test_a_date_no_calendar_can_hold_is_never_a_server_error(as_superuser, name):
    many = [{f"{DATE_FIELDS[name]}{lookup}": value} for lookup, value in BAD_DATE_VALUES]

    unexpected = answers(as_superuser, CHANGELISTS[name], many, allowed={"invalid", "nothing"})

    assert unexpected == {}


@pytest.mark.usefixtures(*EVERYTHING)
@pytest.mark.parametrize("name", DATE_FIELDS)
def test_a_year_no_calendar_can_hold_is_an_invalid_filter(as_superuser, name):
    many = [{f"{DATE_FIELDS[name]}__year": year} for year in ["99999", "0", "-1", HUGE]]

    unexpected = answers(as_superuser, CHANGELISTS[name], many, allowed={"invalid"})

    assert unexpected == {}


DRILL_DOWNS = [
    {"year": "9999"},
    {"year": "9999", "month": "12"},
    {"year": "9999", "month": "12", "day": "31"},
    {"year": "1", "month": "1", "day": "1"},
    {"year": "2026", "month": "2", "day": "30"},
]


@pytest.mark.usefixtures(*EVERYTHING)
@pytest.mark.parametrize("name", ["report", "log"])
def test_the_date_drill_down_at_the_ends_of_the_calendar_is_not_an_error(as_superuser, name):
    """The reports and log lists drill down by date; Django's own bounds overflow at 9999."""
    field = DATE_FIELDS[name]
    many = [{f"{field}__{part}": value for part, value in p.items()} for p in DRILL_DOWNS]

    unexpected = answers(as_superuser, CHANGELISTS[name], many, allowed={"invalid", "nothing"})

    assert unexpected == {}


@pytest.mark.usefixtures(*EVERYTHING)
@pytest.mark.parametrize("name", ["listing", "organisation", "page", "user"])
def test_a_pattern_the_database_cannot_read_is_an_invalid_filter(as_superuser, name):
    field = {"listing": "name", "organisation": "name", "page": "title", "user": "username"}
    params = {f"{field[name]}__regex": "("}
    assert filtered(as_superuser, CHANGELISTS[name], params) == "invalid"


@pytest.mark.usefixtures(*EVERYTHING)
def test_forum_staff_get_the_same_answer_as_superusers(as_staff):
    assert filtered(as_staff, CHANGELISTS["listing"], {"id__in": HUGE}) in ("invalid", "nothing")
    assert filtered(as_staff, CHANGELISTS["listing"], {"last_checked__year": "99999"}) == "invalid"


@pytest.mark.usefixtures(*EVERYTHING)
def test_a_provider_editor_gets_the_same_answer(as_editor_a):
    params = {"last_checked__year": "99999"}
    assert filtered(as_editor_a, CHANGELISTS["listing"], params) == "invalid"


def test_a_good_filter_still_filters(as_superuser, listing_a, draft_b):
    response = as_superuser.get(CHANGELISTS["listing"], {"id__in": f"{listing_a.pk}"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [listing_a]


def test_after_an_invalid_filter_the_database_still_answers(as_superuser, listing_a):
    """On PostgreSQL a failed statement spoils the transaction it ran in; the next
    query of the same request must still work."""
    as_superuser.get(CHANGELISTS["listing"], {"id__in": HUGE})

    assert Listing.objects.filter(pk=listing_a.pk).exists()
    assert as_superuser.get(CHANGELISTS["listing"]).status_code == 200


@pytest.mark.parametrize("name", CHANGELISTS)
def test_every_admin_list_uses_the_safe_changelist(as_superuser, name):
    from emrj.admin_site import SafeLookupsChangeList

    response = as_superuser.get(CHANGELISTS[name])

    assert response.status_code == 200
    assert isinstance(response.context["cl"], SafeLookupsChangeList)


def test_the_admin_keeps_its_own_titles(as_staff):
    page = as_staff.get("/admin/").content.decode()

    assert "East Midlands Restorative Justice Directory" in page
    assert "Keep the directory up to date" in page


# --- 4. Other hand-edited admin addresses ------------------------------------------------


ODD_PARAMS = [
    {"p": HUGE},
    {"p": "-1"},
    {"p": "1.5"},
    {"o": HUGE},
    {"o": "-1.x"},
    {"q": "a\x00b"},
    {"_facets": "1", "id__in": HUGE},
    {"all": "", "id__in": HUGE},
]


@pytest.mark.usefixtures(*EVERYTHING)
@pytest.mark.parametrize("name", CHANGELISTS)
def test_odd_paging_ordering_and_search_are_never_a_server_error(as_superuser, name):
    def answer(params):
        try:
            return as_superuser.get(CHANGELISTS[name], params).status_code
        except Exception as error:
            return repr(error)

    found = {repr(params): answer(params) for params in ODD_PARAMS}

    assert {params: code for params, code in found.items() if code not in (200, 302)} == {}


@pytest.mark.usefixtures(*EVERYTHING)
@pytest.mark.parametrize("name", ["listing", "user", "page"])
@pytest.mark.parametrize("selected", [HUGE, "abc", "-1", "1.5"])
def test_a_bulk_action_on_ids_that_cannot_exist_is_not_a_server_error(as_superuser, name, selected):
    response = as_superuser.post(
        CHANGELISTS[name],
        {"action": "delete_selected", "_selected_action": [selected], "index": "0"},
    )

    assert response.status_code in (200, 302)


def test_a_page_list_edit_naming_an_id_that_cannot_exist_is_not_a_server_error(as_superuser):
    response = as_superuser.post(
        CHANGELISTS["page"],
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": HUGE,
            "form-0-position": "1",
            "_save": "Save",
        },
    )

    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/directory/listing/{huge}/change/",
        "/admin/directory/listing/{huge}/history/",
        "/admin/directory/listing/{huge}/delete/",
        "/admin/directory/organisation/{huge}/change/",
        "/admin/auth/user/{huge}/change/",
        "/admin/auth/user/{huge}/password/",
        "/admin/pages/page/{huge}/change/",
    ],
)
def test_an_object_id_too_large_for_the_database_is_not_a_server_error(as_superuser, path):
    response = as_superuser.get(path.format(huge=HUGE))

    assert response.status_code in (302, 403, 404)  # listings are never deleted: 403


def test_a_stranger_never_gets_a_server_error_from_the_admin(db):
    client = Client()
    response = client.get(CHANGELISTS["listing"], {"id__in": HUGE})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- 4b. Hand-edited public addresses --------------------------------------------------

PUBLIC_PAGES = [
    "/",
    "/services/",
    "/services/download.csv",
    "/services/alder-victim-conferencing/",
    "/services/alder-victim-conferencing/report/",
    "/areas/",
    "/areas/leicester/",
    "/information/",
]
ODD_PUBLIC_PARAMS = [
    {"page": HUGE},
    {"page": "-1"},
    {"page": "1e400"},
    {"page": "１"},
    {"age": HUGE},
    {"age": "-1"},
    {"age": "nan"},
    {"area": HUGE},
    {"organisation": HUGE},
    {"q": "x" * 5000},
    {"q": "\\"},
    {"since": "9999-12-31T23:59:59-01:00"},
    {"modified_after": "0001-01-01T00:00:00+05:00"},
    {"you": "pro", "page": "0"},
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_odd_parameters_on_public_pages_are_never_a_server_error(client, listing_a, path):
    def answer(params):
        try:
            return client.get(path, params).status_code
        except Exception as error:
            return repr(error)

    found = {repr(params)[:60]: answer(params) for params in ODD_PUBLIC_PARAMS}

    assert {
        params: code for params, code in found.items() if not (isinstance(code, int) and code < 500)
    } == {}
