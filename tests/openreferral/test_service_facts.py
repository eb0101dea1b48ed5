"""How a full service publishes its ways to get in touch, languages, cost and RJ facts."""

from datetime import date

import pytest

from directory import vocabularies
from directory.models import Listing, Term

from .conftest import assert_valid

pytestmark = pytest.mark.django_db

SHARED_PHONE = "0116 496 0999"
OFFICE_HOURS = "Monday to Friday, 9am to 5pm"


def terms(vocabulary, *slugs):
    return [Term.objects.get(vocabulary=vocabulary, slug=slug) for slug in slugs]


def ids(body):
    return {item["id"] for item in body["contents"]}


@pytest.fixture
def in_touch(make_listing, make_organisation):
    """A listing with a route of every kind but a phone, which its organisation shares."""
    organisation = make_organisation(
        contact_routes=[
            {"kind": "phone", "value": SHARED_PHONE, "hours": OFFICE_HOURS},
            # The listing gives its own email address, so this one is not shown.
            {"kind": "email", "value": "office@example.org"},
        ]
    )
    return make_listing(
        name="Talking Together",
        organisation=organisation,
        how_to_refer="Tell us what happened and we will call you back.",
        contact_routes=[
            {
                "kind": "text",
                "value": "07700 900123",
                "for": "public",
                "hours": "Weekdays, 10am to 4pm",
                "note": "We reply within a day",
            },
            {"kind": "email", "value": "team@example.org"},
            {"kind": "email", "value": "referrals@example.org", "for": "professionals"},
            {"kind": "website", "value": "https://example.org/talking/"},
            {
                "kind": "referral_form",
                "value": "https://example.org/talking/refer",
                "for": "professionals",
            },
            {"kind": "ask_professional", "note": "Ask your victim care officer to refer you"},
        ],
    )


def test_a_service_publishes_its_website_and_public_email(api, in_touch):
    body = api(f"/services/{in_touch.uuid}")

    assert body["url"] == "https://example.org/talking/"
    # Not the organisation's address (the listing has its own), nor the professionals' one.
    assert body["email"] == "team@example.org"
    assert api("/services")["contents"][0]["email"] == "team@example.org"


def test_phone_and_text_numbers_are_hsds_phones_with_who_and_when(api, in_touch):
    body = api(f"/services/{in_touch.uuid}")

    # The listing's own routes first, then the phone it inherits from its organisation.
    assert [(p["number"], p["type"]) for p in body["phones"]] == [
        ("07700 900123", "text"),
        (SHARED_PHONE, "voice"),
    ]
    text, phone = body["phones"]
    assert text["description"] == ("For the public. Weekdays, 10am to 4pm. We reply within a day.")
    assert phone["description"] == "Monday to Friday, 9am to 5pm."
    assert {p["service_id"] for p in body["phones"]} == {str(in_touch.uuid)}


def test_opening_hours_are_the_services_schedules(api, in_touch):
    body = api(f"/services/{in_touch.uuid}")

    assert [s["description"] for s in body["schedules"]] == [
        "Text 07700 900123: Weekdays, 10am to 4pm",
        f"Phone {SHARED_PHONE}: {OFFICE_HOURS}",
    ]
    assert {s["service_id"] for s in body["schedules"]} == {str(in_touch.uuid)}


def test_contacts_are_grouped_by_who_they_are_for(api, in_touch):
    body = api(f"/services/{in_touch.uuid}")

    contacts = {c["name"]: c for c in body["contacts"]}
    assert set(contacts) == {
        "Talking Together",
        "Talking Together: for the public",
        "Talking Together: for professionals",
    }
    anyone = contacts["Talking Together"]
    assert anyone["email"] == "team@example.org"
    assert [p["number"] for p in anyone["phones"]] == [SHARED_PHONE]
    public = contacts["Talking Together: for the public"]
    assert "email" not in public
    assert [p["number"] for p in public["phones"]] == ["07700 900123"]
    professionals = contacts["Talking Together: for professionals"]
    assert professionals["email"] == "referrals@example.org"
    assert "phones" not in professionals
    # A phone says which contact it sits in, and is the same record in both places.
    for contact in body["contacts"]:
        for phone in contact.get("phones", []):
            assert phone["contact_id"] == contact["id"]
            assert phone in body["phones"]


def test_referral_forms_and_asking_a_professional_are_in_the_application_process(api, in_touch):
    steps = api(f"/services/{in_touch.uuid}")["application_process"].split("\n\n")

    assert steps == [
        "Tell us what happened and we will call you back.",
        "Online referral form (for professionals): https://example.org/talking/refer",
        "Ask your victim care officer to refer you.",
    ]


def test_records_made_from_routes_have_stable_distinct_ids(api, in_touch):
    body = api(f"/services/{in_touch.uuid}")

    made = [*body["phones"], *body["schedules"], *body["contacts"]]
    assert len({item["id"] for item in made}) == len(made)
    assert api(f"/services/{in_touch.uuid}") == body


def test_a_service_with_every_kind_of_route_validates(api, in_touch):
    assert_valid(api(f"/services/{in_touch.uuid}"), "service")
    assert_valid(api("/services")["contents"][0], "service")


def test_changing_the_organisations_phone_changes_every_listing_that_shares_it(
    api, in_touch, make_listing
):
    own = make_listing(
        organisation=in_touch.organisation,
        contact_routes=[{"kind": "phone", "value": "0116 496 0100"}],
    )
    assert [p["number"] for p in api(f"/services/{own.uuid}")["phones"]] == ["0116 496 0100"]

    organisation = in_touch.organisation
    organisation.contact_routes = [{"kind": "phone", "value": "0116 496 0555"}]
    organisation.save()

    assert [p["number"] for p in api(f"/services/{in_touch.uuid}")["phones"]] == [
        "07700 900123",
        "0116 496 0555",
    ]
    assert [p["number"] for p in api(f"/services/{own.uuid}")["phones"]] == ["0116 496 0100"]
    # The shared email address was dropped with the old routes.
    assert "office@example.org" not in str(api("/services")["contents"])


def test_a_route_saved_without_checks_that_is_malformed_is_left_out(api, make_listing):
    # Listing.objects.create runs no validators, as a shell or a data fix would not.
    listing = make_listing(
        contact_routes=[
            {"kind": "phone", "value": ""},
            {"kind": "email", "value": "nobody"},
            {"kind": "fax", "value": "0116 496 0111"},
            {"kind": "phone", "value": "0116 496 0123", "for": "somebody"},
            {"kind": "website", "value": "https://example.org/"},
        ]
    )

    body = api(f"/services/{listing.uuid}")

    assert_valid(body, "service")
    assert body["url"] == "https://example.org/"
    for absent in ("email", "phones", "contacts", "schedules"):
        assert absent not in body


def test_languages_name_their_iso_code_and_say_interpreters_can_be_arranged(api, make_listing):
    polish = Term.objects.create(vocabulary="language", name="Polish", slug="polish")
    listing = make_listing(interpreters="yes")
    listing.languages.set([*terms("language", "english", "british-sign-language"), polish])

    body = api(f"/services/{listing.uuid}")

    assert_valid(body, "service")
    languages = {item["name"]: item for item in body["languages"]}
    assert {name: item.get("code") for name, item in languages.items()} == {
        "English": "en",
        "British Sign Language": "bfi",
        "Polish": None,  # no code we know of: left out rather than guessed
    }
    for item in body["languages"]:
        assert item["service_id"] == str(listing.uuid)
        assert item["note"] == "Interpreters can be arranged"
    assert body["interpretation_services"] == "Interpreters can be arranged."


@pytest.mark.parametrize(
    ("interpreters", "service_says"),
    [("no", "The service cannot arrange interpreters."), ("", None)],
)
def test_languages_have_no_interpreter_note_unless_interpreters_can_be_arranged(
    api, make_listing, interpreters, service_says
):
    listing = make_listing(interpreters=interpreters)
    listing.languages.set(terms("language", "english"))

    body = api(f"/services/{listing.uuid}")

    assert body["languages"] == [
        {
            "id": body["languages"][0]["id"],
            "service_id": str(listing.uuid),
            "name": "English",
            "code": "en",
        }
    ]
    assert body.get("interpretation_services") == service_says


@pytest.mark.parametrize(
    ("cost", "fees"), [("free", "Free"), ("charge", "There may be a charge"), ("", None)]
)
def test_cost_is_the_fees_description(api, make_listing, cost, fees):
    listing = make_listing(cost=cost)

    for body in (api(f"/services/{listing.uuid}"), api("/services")["contents"][0]):
        assert body.get("fees_description") == fees
        # The UK profile's schema lists only the older field name.
        assert body.get("fees") == fees


def test_typical_wait_and_registration_are_published_without_the_date(api, make_listing):
    listing = make_listing(
        typical_wait="Usually within two weeks",
        accreditation=Listing.Accreditation.RSQM,
        accreditation_date=date(2025, 3, 1),
        last_checked=date(2026, 9, 30),
    )

    body = api(f"/services/{listing.uuid}")

    assert body["wait_time"] == "Usually within two weeks"
    assert body["accreditations"] == "Restorative Service Quality Mark"
    # The standard has no field for the registration date.
    assert "2025-03-01" not in str(body)
    assert body["assured_date"] == "2026-09-30"


def test_offences_taken_on_and_not_taken_on_have_different_link_types(api, make_listing):
    listing = make_listing()
    listing.offence_types.set(terms("offence_type", "burglary", "violence"))
    listing.excluded_offence_types.set(terms("offence_type", "sexual-offences", "violence"))

    body = api(f"/services/{listing.uuid}")

    assert_valid(body, "service")
    offences = {
        (a["link_type"], a["taxonomy_term"]["term"])
        for a in body["attributes"]
        if a["taxonomy_term"]["taxonomy"] == "Offence or harm"
    }
    assert offences == {
        ("offence_type", "burglary"),
        ("offence_type", "violence"),
        ("excluded_offence_type", "sexual-offences"),
        ("excluded_offence_type", "violence"),
    }
    # Even a term in both fields gives two attributes with ids of their own.
    assert len({a["id"] for a in body["attributes"]}) == len(body["attributes"])


def test_every_term_field_is_published_as_attributes(api, make_listing):
    listing = make_listing()
    for spec in vocabularies.TERM_FIELDS:
        getattr(listing, spec.name).set(Term.objects.filter(vocabulary=spec.vocabulary)[:1])

    body = api(f"/services/{listing.uuid}")

    assert_valid(body, "service")
    assert {a["link_type"] for a in body["attributes"]} == {
        spec.link_type for spec in vocabularies.TERM_FIELDS
    }
    assert "excluded_offence_type" in {a["link_type"] for a in body["attributes"]}


def test_stages_are_attributes_and_filter_services(api, make_listing):
    prison = make_listing()
    prison.stages.set(terms("stage", "in-prison", "on-licence"))
    make_listing().stages.set(terms("stage", "out-of-court"))
    make_listing()
    in_prison = terms("stage", "in-prison")[0]

    body = api(f"/services/{prison.uuid}")
    stages = {a["taxonomy_term"]["term"] for a in body["attributes"] if a["link_type"] == "stage"}
    assert stages == {"in-prison", "on-licence"}
    assert ids(api("/services", taxonomy_term_id=str(in_prison.uuid))) == {str(prison.uuid)}
    stage_taxonomy = api(f"/taxonomy_terms/{in_prison.uuid}")["taxonomy_id"]
    assert api("/services", taxonomy_id=stage_taxonomy)["total_items"] == 2


def test_taxonomy_filters_match_offences_taken_on_not_those_excluded(api, make_listing):
    takes = make_listing()
    takes.offence_types.set(terms("offence_type", "burglary"))
    refuses = make_listing()
    refuses.excluded_offence_types.set(terms("offence_type", "burglary"))
    make_listing()
    burglary = terms("offence_type", "burglary")[0]
    offence_taxonomy = api(f"/taxonomy_terms/{burglary.uuid}")["taxonomy_id"]

    assert ids(api("/services", taxonomy_term_id=str(burglary.uuid))) == {str(takes.uuid)}
    assert ids(api("/services", taxonomy_id=offence_taxonomy)) == {str(takes.uuid)}


def test_every_vocabulary_is_a_taxonomy_whose_terms_are_found(api, db):
    body = api("/taxonomies", per_page="100")

    assert {item["name"] for item in body["contents"]} >= {
        "Offence or harm",
        "Stage of the case",
        "Who can ask for it",
        "Prison",
        "Language",
    }
    for item in body["contents"]:
        detail = api(f"/taxonomies/{item['id']}")
        assert detail["description"] == item["description"]
        terms_found = api("/taxonomy_terms", taxonomy_id=item["id"], per_page="100")
        assert terms_found["total_items"] == len(detail.get("taxonomy_terms", []))
