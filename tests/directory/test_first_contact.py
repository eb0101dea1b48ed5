"""Listing.first_contact(): the one way to get in touch a result card shows.

Phone, else website, else online referral form, else email; with none of those, a
service without self-referral says who can refer you, and one with it points to its
own page. The listings are unsaved: the rule reads only the listing's own fields.
"""

import pytest

from directory.models import ASK_A_PROFESSIONAL, FirstContact, Listing

ALL = {
    "phone": "0116 496 0123",
    "website": "https://www.example.org/help/",
    "referral_form_url": "https://forms.example.org/refer",
    "email": "help@example.org",
}


def listing(*, self_referral=False, **contacts):
    return Listing(name="Service", slug="a-service", self_referral=self_referral, **contacts)


@pytest.mark.parametrize("self_referral", [True, False])
def test_a_phone_number_comes_first_as_a_tel_link(self_referral):
    contact = listing(self_referral=self_referral, **ALL).first_contact()
    assert contact == FirstContact("phone", "0116 496 0123", "tel:01164960123")
    assert contact.heading == "Phone"


def test_the_tel_link_keeps_only_the_plus_and_digits():
    contact = listing(phone="+44 (0)116 496-0123").first_contact()
    assert contact.href == "tel:+4401164960123"
    assert contact.label == "+44 (0)116 496-0123"


def test_without_a_phone_the_website_comes_next_shown_by_its_host():
    details = {**ALL, "phone": ""}
    contact = listing(**details).first_contact()
    assert contact == FirstContact("website", "example.org", "https://www.example.org/help/")
    assert contact.heading == "Website"


def test_without_phone_or_website_the_online_referral_form_comes_next():
    details = {**ALL, "phone": "", "website": ""}
    contact = listing(**details).first_contact()
    expected = FirstContact("referral_form", "Online referral form", ALL["referral_form_url"])
    assert contact == expected
    assert contact.heading == ""  # the label says what it is


def test_an_email_address_comes_last_of_the_contact_details():
    contact = listing(email="help@example.org").first_contact()
    assert contact == FirstContact("email", "help@example.org", "mailto:help@example.org")
    assert contact.heading == "Email"


def test_an_address_alone_is_not_a_way_to_get_in_touch_from_a_card():
    contact = listing(address="1 Example Street\nLeicester").first_contact()
    assert contact.kind == "professional"


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
