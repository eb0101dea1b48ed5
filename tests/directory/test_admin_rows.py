"""Ways to get in touch and sources are edited as rows in the admin, not as raw JSON."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from directory import contacts, provenance
from directory.models import Listing

from .admin_forms import listing_form_data, phone, share_routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def change_url(listing):
    return f"/admin/directory/listing/{listing.pk}/change/"


def body(response):
    return response.content.decode()


def fresh(listing):
    return Listing.objects.get(pk=listing.pk)


@pytest.fixture
def shared_phone(org_a):
    """Alder shares a phone number, so A's listings may drop their own."""
    return share_routes(org_a, [phone("0116 496 0100")])


# --- Rendering -----------------------------------------------------------------------


def test_the_form_shows_one_row_per_route_and_two_empty_rows(as_editor_a, listing_a):
    listing_a.contact_routes = [phone("0116 496 0999"), {"kind": "email", "value": "a@ex.org"}]
    listing_a.save()

    page = body(as_editor_a.get(change_url(listing_a)))

    assert 'name="contact_routes-TOTAL_FORMS" value="4"' in page
    assert 'name="contact_routes-INITIAL_FORMS" value="2"' in page
    assert 'name="contact_routes-0-value" value="0116 496 0999"' in page
    assert 'name="contact_routes-1-value" value="a@ex.org"' in page
    assert 'name="contact_routes-3-value"' in page
    assert 'name="contact_routes-4-value"' not in page


def test_never_more_rows_than_the_limit(as_editor_a, listing_a):
    listing_a.contact_routes = [phone(f"0116 496 00{n:02}") for n in range(contacts.MAX_ROUTES)]
    listing_a.save()

    page = body(as_editor_a.get(change_url(listing_a)))

    assert f'name="contact_routes-TOTAL_FORMS" value="{contacts.MAX_ROUTES}"' in page


def test_every_row_input_has_its_own_label(as_staff, listing_a):
    page = body(as_staff.get(change_url(listing_a)))

    names = re.findall(r'<(?:input|select)[^>]*name="((?:contact_routes|sources)-\d+-\w+)"', page)
    assert len(names) == 5 * 2 + 4 * 2  # two empty rows of each
    for name in names:
        assert re.search(rf'<label[^>]*for="id_{name}"[^>]*>[^<]+</label>', page), name
    assert "Number, address or link, way to get in touch 1" in page
    assert "Where it came from, source 2" in page


def test_rows_need_no_script(as_staff, listing_a):
    """The rows are plain inputs that a form post sends: nothing is added by a script."""
    page = body(as_staff.get(change_url(listing_a)))

    rows = page[page.index('class="app-rows"') :]
    rows = rows[: rows.index("</table>")]
    assert "<script" not in rows
    assert "style=" not in rows


# --- Saving --------------------------------------------------------------------------


def test_rows_are_stored_as_normalised_routes(as_editor_a, listing_a):
    data = listing_form_data(
        listing_a,
        contact_routes=[
            {"kind": "phone", "value": "  0116 496 0999 ", "for": "everyone", "hours": "9 to 5"},
            {"kind": "ask_professional", "for": "public", "note": "Ask your probation officer"},
        ],
    )

    response = as_editor_a.post(change_url(listing_a), data)

    assert response.status_code == 302
    assert fresh(listing_a).contact_routes == [
        contacts.ContactRoute("phone", "0116 496 0999", hours="9 to 5").to_dict(),
        contacts.ContactRoute(
            "ask_professional", for_whom="public", note="Ask your probation officer"
        ).to_dict(),
    ]


def test_empty_rows_are_ignored_and_emptying_a_row_removes_its_route(
    as_editor_a, listing_a, shared_phone
):
    listing_a.contact_routes = [phone("0116 496 0999"), {"kind": "email", "value": "a@ex.org"}]
    listing_a.save()
    data = listing_form_data(listing_a)
    for key in ("kind", "value"):
        data[f"contact_routes-0-{key}"] = ""
    data["contact_routes-0-for_whom"] = "professionals"  # only "who it is for" left: still empty

    response = as_editor_a.post(change_url(listing_a), data)

    assert response.status_code == 302
    assert fresh(listing_a).contact_routes == [{"kind": "email", "value": "a@ex.org"}]


def test_a_bad_row_shows_the_validators_message_next_to_it_and_saves_nothing(
    as_editor_a, listing_a, state_of
):
    before = state_of(listing_a)
    data = listing_form_data(
        listing_a, contact_routes=[phone("0116 496 0999"), phone("call the office")]
    )

    response = as_editor_a.post(change_url(listing_a), data)

    assert response.status_code == 200
    expected = contacts.ContactRoute("phone", "call the office").problems()["value"]
    page = body(response)
    error = re.search(
        r'<ul class="errorlist" id="id_contact_routes-1-value_error">(.*?)</ul>', page
    )
    assert error and expected in error.group(1)
    assert 'aria-describedby="id_contact_routes-1-value_error"' in page
    assert "id_contact_routes-0-value_error" not in page
    assert "There is a problem with the ways to get in touch" in page
    assert state_of(listing_a) == before


@pytest.mark.parametrize(
    "route",
    [
        {"kind": "phone", "value": "call us"},
        {"kind": "email", "value": "not an address"},
        {"kind": "website", "value": "javascript:alert(1)"},
        {"kind": "ask_professional", "value": "0116 496 0999"},
        {"kind": "email", "value": "a@ex.org", "hours": "9 to 5"},
        {"kind": "fax", "value": "0116 496 0999"},
        {"kind": "phone", "value": "0116 496 0999", "for": "martians"},
        {"kind": "phone", "value": "0116 496 0999", "note": "x" * 201},
        {"kind": "phone", "value": "0116 496 0999", "note": "a | b"},
    ],
)
def test_each_row_message_is_the_model_validators_message(as_staff, listing_a, route):
    data = listing_form_data(listing_a, contact_routes=[route], status="draft")

    response = as_staff.post(change_url(listing_a), data)

    assert response.status_code == 200
    field = response.context["adminform"].form["contact_routes"]
    row_errors = [str(m) for errors in field.data.errors for ms in errors.values() for m in ms]
    with pytest.raises(ValidationError) as raised:
        contacts.validate_routes([route])
    for message in raised.value.messages:
        assert message.split(": ", 1)[1] in row_errors
    assert fresh(listing_a).contact_routes == []


def test_more_rows_than_the_limit_are_refused_plainly(as_editor_a, listing_a, state_of):
    before = state_of(listing_a)
    too_many = [phone(f"0116 496 00{n:02}") for n in range(contacts.MAX_ROUTES + 1)]

    response = as_editor_a.post(
        change_url(listing_a), listing_form_data(listing_a, contact_routes=too_many)
    )

    assert response.status_code == 200
    assert f"Give at most {contacts.MAX_ROUTES} ways to get in touch." in body(response)
    assert state_of(listing_a) == before


def test_a_form_sent_without_the_rows_keeps_the_routes(as_editor_a, listing_a):
    listing_a.contact_routes = [phone("0116 496 0999")]
    listing_a.save()
    data = listing_form_data(listing_a, summary="Changed.")
    data = {k: v for k, v in data.items() if not k.startswith("contact_routes-")}

    response = as_editor_a.post(change_url(listing_a), data)

    assert response.status_code == 302
    listing = fresh(listing_a)
    assert (listing.summary, listing.contact_routes) == ("Changed.", [phone("0116 496 0999")])


def test_a_half_sent_management_form_is_a_clear_error_not_a_crash(as_editor_a, listing_a, state_of):
    before = state_of(listing_a)
    data = listing_form_data(listing_a, contact_routes=[phone("0116 496 0999")])
    del data["contact_routes-INITIAL_FORMS"]
    data["contact_routes-TOTAL_FORMS"] = "lots"

    response = as_editor_a.post(change_url(listing_a), data)

    assert response.status_code == 200
    assert "The ways to get in touch were not all sent. Reload the page" in body(response)
    assert state_of(listing_a) == before


# --- The organisation's shared routes on the listing form ---------------------------


def test_the_listing_form_shows_what_the_organisation_shares(as_editor_a, listing_a, org_a):
    share_routes(
        org_a,
        [
            phone("0116 496 0100", hours="9am to 5pm"),
            {"kind": "email", "value": "hi@alder.example"},
        ],
    )
    listing_a.contact_routes = [{"kind": "email", "value": "own@alder.example"}]
    listing_a.save()

    page = body(as_editor_a.get(change_url(listing_a)))

    shown = page[page.index("Also shown from Alder Mediation:") :]
    shown = shown[: shown.index("</ul>")]
    assert "Phone: 0116 496 0100, 9am to 5pm" in shown
    assert "hi@alder.example" not in shown
    assert "Not shown, because this listing gives its own of the same kind" in page
    # Read-only here: no input carries the shared number.
    assert 'value="0116 496 0100"' not in page


def test_the_listing_form_says_when_the_organisation_shares_nothing(as_editor_a, listing_a):
    page = body(as_editor_a.get(change_url(listing_a)))

    assert "Alder Mediation shares no ways to get in touch." in page


# --- Sources --------------------------------------------------------------------------


def test_staff_edit_sources_as_rows(as_staff, listing_a):
    data = listing_form_data(
        listing_a,
        status="published",
        contact_routes=[phone("0116 496 0999")],
        sources=[
            {"kind": "document", "date": "2021-03-31", "title": "Forum briefing", "url": ""},
            {"kind": "service", "date": "2024-05-01", "url": "https://alder.example/rj"},
        ],
    )

    response = as_staff.post(change_url(listing_a), data)

    assert response.status_code == 302
    assert fresh(listing_a).sources == [
        {"kind": "document", "date": "2021-03-31", "title": "Forum briefing"},
        {"kind": "service", "date": "2024-05-01", "url": "https://alder.example/rj"},
    ]


@pytest.mark.parametrize(
    "source, field",
    [
        ({"kind": "survey", "date": "31/03/2021"}, "date"),
        ({"kind": "survey", "date": "2999-01-01"}, "date"),
        ({"kind": "survey"}, "date"),
        ({"kind": "rumour", "date": "2021-03-31"}, "kind"),
        ({"kind": "survey", "date": "2021-03-31", "url": "ftp://x.example"}, "url"),
    ],
)
def test_a_bad_source_row_gets_the_validators_message(as_staff, listing_a, source, field):
    data = listing_form_data(listing_a, status="draft", sources=[source])

    response = as_staff.post(change_url(listing_a), data)

    assert response.status_code == 200
    expected = provenance.Source.from_dict(source).problems()[field]
    page = body(response)
    error = re.search(rf'id="id_sources-0-{field}_error">(.*?)</ul>', page)
    assert error and expected in error.group(1)
    assert fresh(listing_a).sources == []


def test_an_editors_save_records_a_provider_source_dated_today(
    as_editor_a, listing_a, shared_phone
):
    listing_a.sources = [{"kind": "document", "date": "2021-03-31", "title": "Forum briefing"}]
    listing_a.save()

    response = as_editor_a.post(change_url(listing_a), listing_form_data(listing_a))

    assert response.status_code == 302
    today = timezone.localdate().isoformat()
    assert fresh(listing_a).sources == [
        {"kind": "document", "date": "2021-03-31", "title": "Forum briefing"},
        {"kind": "provider", "title": "Edited by Alder Mediation", "date": today},
    ]


def test_a_second_editors_save_keeps_one_provider_source(as_editor_a, listing_a, shared_phone):
    listing_a.sources = [{"kind": "provider", "date": "2022-01-01", "title": "Edited"}]
    listing_a.save()

    as_editor_a.post(change_url(listing_a), listing_form_data(listing_a))

    (source,) = fresh(listing_a).sources
    assert (source["kind"], source["date"]) == ("provider", timezone.localdate().isoformat())


def test_editors_see_the_sources_but_cannot_change_them(as_editor_a, listing_a, shared_phone):
    staff_source = {"kind": "document", "date": "2021-03-31", "title": "Forum briefing"}
    listing_a.sources = [staff_source]
    listing_a.save()

    page = body(as_editor_a.get(change_url(listing_a)))
    tampered = listing_form_data(
        listing_a, sources=[{"kind": "survey", "date": "2020-01-01", "title": "Made up"}]
    )
    response = as_editor_a.post(change_url(listing_a), tampered)

    assert f"{provenance.KINDS['document']}, 31 March 2021: Forum briefing" in page
    assert 'name="sources-0-kind"' not in page
    assert response.status_code == 302
    kinds = [source["kind"] for source in fresh(listing_a).sources]
    assert kinds == ["document", "provider"]
    assert fresh(listing_a).sources[0] == staff_source


def test_a_staff_save_adds_no_provider_source(as_staff, listing_a):
    data = listing_form_data(listing_a, status="draft")

    assert as_staff.post(change_url(listing_a), data).status_code == 302

    assert fresh(listing_a).sources == []
