"""Listing.first_contact(): the one way to get in touch a result card shows.

A public phone, else website, online referral form, email, text or "ask a
professional"; with none of those, a service without self-referral says who can
refer you, and one with it points to its own page. Routes for professionals never
come first. The listings are unsaved: the rule reads only the listing's routes and
its organisation's shared ones.
"""

import pytest

from directory.models import ASK_A_PROFESSIONAL, FirstContact, Listing, Organisation

PHONE = {"kind": "phone", "value": "0116 496 0123"}
WEBSITE = {"kind": "website", "value": "https://www.example.org/help/"}
FORM = {"kind": "referral_form", "value": "https://forms.example.org/refer"}
EMAIL = {"kind": "email", "value": "help@example.org"}
TEXT = {"kind": "text", "value": "07700 900123"}
ALL = [EMAIL, FORM, WEBSITE, PHONE, TEXT]


def listing(*routes, self_referral=False, shared=()):
    organisation = Organisation(name="Organisation", slug="org", contact_routes=list(shared))
    return Listing(
        name="Service",
        slug="a-service",
        organisation=organisation,
        self_referral=self_referral,
        contact_routes=list(routes),
    )


@pytest.mark.parametrize("self_referral", [True, False])
def test_a_phone_number_comes_first_as_a_tel_link(self_referral):
    contact = listing(*ALL, self_referral=self_referral).first_contact()
    assert contact == FirstContact("phone", "0116 496 0123", "tel:01164960123")
    assert contact.heading == "Phone"


def test_the_tel_link_keeps_only_the_plus_and_digits():
    contact = listing({"kind": "phone", "value": "+44 (0)116 496-0123"}).first_contact()
    assert contact.href == "tel:+4401164960123"
    assert contact.label == "+44 (0)116 496-0123"


def test_without_a_phone_the_website_comes_next_shown_by_its_host():
    contact = listing(EMAIL, FORM, WEBSITE).first_contact()
    assert contact == FirstContact("website", "example.org", "https://www.example.org/help/")
    assert contact.heading == "Website"


def test_without_phone_or_website_the_online_referral_form_comes_next():
    contact = listing(EMAIL, FORM, TEXT).first_contact()
    assert contact == FirstContact("referral_form", "Online referral form", FORM["value"])
    assert contact.heading == ""  # the label says what it is


def test_an_email_address_comes_after_the_links():
    contact = listing(TEXT, EMAIL).first_contact()
    assert contact == FirstContact("email", "help@example.org", "mailto:help@example.org")
    assert contact.heading == "Email"


def test_a_text_number_is_an_sms_link():
    contact = listing(TEXT).first_contact()
    assert contact == FirstContact("text", "07700 900123", "sms:07700900123")
    assert contact.heading == "Text"


def test_a_professionals_only_phone_never_comes_first():
    professional_phone = {**PHONE, "for": "professionals"}
    contact = listing(professional_phone, EMAIL).first_contact()
    assert contact.kind == "email"


def test_a_service_with_only_professionals_routes_says_who_can_refer_you():
    contact = listing({**PHONE, "for": "professionals"}).first_contact()
    assert contact == FirstContact("professional", ASK_A_PROFESSIONAL, "")


def test_the_organisations_shared_phone_is_used_when_the_listing_has_none():
    contact = listing(EMAIL, shared=[{"kind": "phone", "value": "0115 000 0000"}]).first_contact()
    assert contact.href == "tel:01150000000"


def test_the_listings_own_phone_wins_over_the_organisations():
    shared = [{"kind": "phone", "value": "0115 000 0000"}]
    contact = listing(PHONE, shared=shared).first_contact()
    assert contact.label == "0116 496 0123"


def test_an_address_alone_is_not_a_way_to_get_in_touch_from_a_card():
    service = listing()
    service.address = "1 Example Street\nLeicester"
    assert service.first_contact().kind == "professional"


def test_without_contact_details_or_self_referral_a_professional_must_refer_you():
    contact = listing(self_referral=False).first_contact()
    assert contact == FirstContact("professional", ASK_A_PROFESSIONAL, "")
    assert contact.label == (
        "Ask your police officer, offender manager or case worker to refer you"
    )


def test_without_contact_details_a_self_referral_service_points_to_its_own_page():
    contact = listing(self_referral=True).first_contact()
    assert contact == FirstContact(
        "listing", "How to get in touch", "/services/a-service/#get-in-touch"
    )
