"""Ways to get in touch and sources as structured entries (directory/contacts.py, provenance.py)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from directory import contacts, provenance
from directory.contacts import ContactRoute
from directory.provenance import Source


@pytest.mark.parametrize(
    ("route", "field", "words"),
    [
        (ContactRoute("fax", "0116 496 0000"), "kind", "Choose what kind"),
        (ContactRoute("phone", ""), "value", "Enter the phone details"),
        (ContactRoute("phone", "call us"), "value", "digits, spaces and brackets"),
        (ContactRoute("text", "07700 9OO 123"), "value", "digits"),
        (ContactRoute("text", "8222"), "value", "number to text"),
        (ContactRoute("email", "rj at example.org"), "value", "name@example.org"),
        (ContactRoute("website", "javascript:alert(1)"), "value", "https://"),
        (ContactRoute("referral_form", "example.org/form"), "value", "https://"),
        (ContactRoute("ask_professional", "0116 496 0000"), "value", "Leave the number"),
        (ContactRoute("phone", "0116 496 0000", "victims"), "for_whom", "who this way"),
        (ContactRoute("email", "a@example.org", hours="9 to 5"), "hours", "phone or text"),
        (ContactRoute("phone", "0116 496 0000", note="a | b"), "note", "one line"),
        (ContactRoute("phone", "0116 496 0000", note="x" * 201), "note", "200 characters"),
    ],
)
def test_each_bad_route_says_what_is_wrong(route, field, words):
    assert words in route.problems()[field]


def test_good_routes_have_no_problems_and_the_right_links():
    phone = ContactRoute("phone", "0116 496 0123", "public", "Monday to Friday, 9am to 5pm")
    text = ContactRoute("text", "07700 900123")
    email = ContactRoute("email", "rj@example.org", "professionals")
    site = ContactRoute("website", "https://www.example.org/rj/")
    ask = ContactRoute("ask_professional", note="Ask your youth justice worker")
    for route in (phone, text, email, site, ask):
        assert route.problems() == {}
    assert phone.href == "tel:01164960123" and phone.for_label == "For the public"
    assert text.href == "sms:07700900123"
    assert email.href == "mailto:rj@example.org" and not email.for_public
    assert site.label == "example.org" and site.heading == "Website"
    assert ask.href == "" and ask.label == "Ask your youth justice worker"
    assert ContactRoute("ask_professional").label == contacts.ASK_A_PROFESSIONAL


def test_the_validator_numbers_each_bad_route():
    with pytest.raises(ValidationError) as error:
        contacts.validate_routes(
            [{"kind": "email", "value": "ok@example.org"}, {"kind": "phone", "value": "x"}]
        )
    assert error.value.messages == [
        "Way to get in touch 2 (Phone): Enter a phone number using digits, spaces and "
        "brackets, for example 0116 123 4567."
    ]
    with pytest.raises(ValidationError):
        contacts.validate_routes([{"kind": "email", "value": "a@example.org"}] * 11)
    with pytest.raises(ValidationError):
        contacts.validate_routes({"kind": "email"})
    with pytest.raises(ValidationError):
        contacts.validate_routes(["0116 496 0000"])


def test_a_listings_own_route_replaces_the_organisations_routes_of_that_kind_only():
    shared = [
        {"kind": "phone", "value": "0116 496 0001"},
        {"kind": "phone", "value": "0116 496 0002"},
        {"kind": "website", "value": "https://example.org/"},
    ]
    own = [{"kind": "phone", "value": "0116 496 0003"}]
    found = contacts.effective_routes(own, shared)
    assert [(r.kind, r.value) for r in found] == [
        ("phone", "0116 496 0003"),
        ("website", "https://example.org/"),
    ]
    assert [r.value for r in contacts.effective_routes([], shared)] == [
        "0116 496 0001",
        "0116 496 0002",
        "https://example.org/",
    ]


def test_the_card_shows_a_public_phone_before_anything_else():
    routes = contacts.routes(
        [
            {"kind": "email", "value": "a@example.org"},
            {"kind": "phone", "value": "0116 496 0009", "for": "professionals"},
            {"kind": "website", "value": "https://example.org/"},
        ]
    )
    assert contacts.first_public(routes).kind == "website"
    assert contacts.first_public(routes[1:2]) is None


def test_routes_survive_the_one_line_each_text_form():
    data = [
        ContactRoute(
            "phone", "0116 496 0123", "public", "Weekdays 9am to 5pm", "Ask for RJ"
        ).to_dict(),
        ContactRoute("email", "rj@example.org", "professionals").to_dict(),
        ContactRoute("ask_professional", note="Ask your offender manager").to_dict(),
        ContactRoute("website", "https://example.org/").to_dict(),
    ]
    text = contacts.to_text(data)
    assert text.splitlines()[1] == "email | rj@example.org | professionals"
    assert contacts.from_text(text) == data


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("pigeon | 0116 496 0000", "“pigeon” is not a kind of contact"),
        ("phone | 1 | everyone | hours | note | extra", "at most five parts"),
    ],
)
def test_bad_route_lines_name_the_line(text, words):
    with pytest.raises(ValidationError) as error:
        contacts.from_text("email | a@example.org\n" + text)
    assert "Line 2" in error.value.messages[0] and words in error.value.messages[0]


# --- Sources -------------------------------------------------------------------------


def test_sources_are_checked():
    future = (date.today() + timedelta(days=2)).isoformat()
    assert "Choose where" in Source("rumour", date="2021-03-01").problems()["kind"]
    assert "Enter the date" in Source("document").problems()["date"]
    assert "real date" in Source("document", date="2021-02-30").problems()["date"]
    assert "future" in Source("document", date=future).problems()["date"]
    assert "https://" in Source("service", url="ftp://x", date="2021-03-01").problems()["url"]
    assert Source("document", "Briefing 1", "https://example.org/b1", "2021-03-31").problems() == {}
    with pytest.raises(ValidationError) as error:
        provenance.validate_sources([{"kind": "survey", "date": "2020-01-01"}, {"kind": "x"}])
    assert error.value.messages[0].startswith("Source 2:")


def test_the_public_summary_names_each_kind_of_source_once():
    data = [
        {"kind": "document", "title": "Briefing 1", "date": "2021-03-31"},
        {"kind": "service", "date": "2022-01-01"},
        {"kind": "provider", "date": "2026-11-01"},
        {"kind": "document", "title": "Workshop report", "date": "2018-05-01"},
    ]
    assert provenance.public_summary(data) == "published reports and articles and the service"
    assert provenance.public_summary([]) == ""


def test_a_provider_edit_is_recorded_once_with_its_date():
    data = [{"kind": "document", "title": "Briefing 1", "date": "2021-03-31"}]
    once = provenance.with_provider_edit(data, organisation="Alder", day=date(2026, 11, 1))
    twice = provenance.with_provider_edit(once, organisation="Alder", day=date(2026, 12, 1))
    assert twice == [
        data[0],
        {"kind": "provider", "title": "Edited by Alder", "date": "2026-12-01"},
    ]


def test_sources_survive_the_one_line_each_text_form():
    data = [
        Source(
            "document", "Briefing series, issue 1", "https://example.org/b1", "2021-03-31"
        ).to_dict(),
        Source("survey", date="2020-06-01").to_dict(),
    ]
    text = provenance.to_text(data)
    assert text.splitlines()[1] == "survey | 2020-06-01"
    assert provenance.from_text(text) == data
    with pytest.raises(ValidationError):
        provenance.from_text("gossip | 2020-01-01")
