"""A result card says how to get in touch and whether you can contact the service
yourself; the listing page never contradicts it."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from directory.models import Listing

pytestmark = pytest.mark.django_db

SELF = "You can contact this service yourself"
REFERRED = "A professional needs to refer you"
ASK = "Ask your police officer, offender manager or case worker to refer you"
NO_DETAILS = "does not publish contact details for the public"
OUT_OF_DATE = "These details may be out of date"


def card(listing, **attributes):
    listing = Listing.objects.for_listing().get(pk=listing.pk)
    for name, value in attributes.items():
        setattr(listing, name, value)
    return render_to_string("directory/_listing_card.html", {"listing": listing})


def hrefs(html):
    return re.findall(r'href="([^"]*)"', html)


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def routes(*pairs, **extra):
    """Route entries from (kind, value) pairs, each with ``extra`` keys."""
    return [{"kind": kind, "value": value, **extra} for kind, value in pairs]


def test_card_links_the_phone_number_for_calling(make_listing):
    listing = make_listing(
        contact_routes=routes(("phone", "0116 496 0123"), ("website", "https://example.org/"))
    )
    html = card(listing)
    assert "tel:01164960123" in hrefs(html)
    assert "Phone: 0116 496 0123" in text(html)
    assert "https://example.org/" not in hrefs(html)  # only the first way is shown


def test_card_links_the_website_when_there_is_no_phone(make_listing):
    listing = make_listing(
        contact_routes=routes(
            ("email", "a@example.org"), ("website", "https://www.example.org/help/")
        )
    )
    html = card(listing)
    assert "https://www.example.org/help/" in hrefs(html)
    assert "Website: example.org" in text(html)
    assert "mailto:a@example.org" not in hrefs(html)


def test_card_links_the_referral_form_before_the_email(make_listing):
    listing = make_listing(
        contact_routes=routes(
            ("email", "a@example.org"), ("referral_form", "https://example.org/refer")
        )
    )
    html = card(listing)
    assert "https://example.org/refer" in hrefs(html)
    assert "Online referral form" in text(html)
    assert "mailto:a@example.org" not in hrefs(html)


def test_card_links_the_email_address_after_the_links(make_listing):
    html = card(make_listing(contact_routes=routes(("email", "a@example.org"))))
    assert "mailto:a@example.org" in hrefs(html)
    assert "Email: a@example.org" in text(html)


def test_card_never_shows_a_route_for_professionals(make_listing):
    only_for_professionals = {"for": "professionals"}
    listing = make_listing(
        contact_routes=routes(("phone", "0116 496 0999"), **only_for_professionals)
    )
    html = card(listing)
    assert "tel:01164960999" not in hrefs(html)
    assert ASK in text(html)


def test_card_shows_the_organisations_shared_phone(make_listing, make_organisation):
    organisation = make_organisation(contact_routes=routes(("phone", "0115 496 0000")))
    html = card(make_listing(organisation=organisation))
    assert "tel:01154960000" in hrefs(html)


def test_card_says_when_you_can_contact_the_service_yourself(make_listing):
    listing = make_listing(self_referral=True, contact_routes=routes(("phone", "0116 496 0123")))
    html = text(card(listing))
    assert SELF in html
    assert REFERRED not in html


def test_card_without_self_referral_or_details_says_who_can_refer_you(make_listing):
    listing = make_listing(self_referral=False)
    html = card(listing)
    assert REFERRED in text(html)
    assert ASK in text(html)
    assert SELF not in text(html)
    assert hrefs(html) == [listing.get_absolute_url()]  # no contact link to follow


def test_card_of_a_self_referral_service_without_details_points_to_its_page(make_listing):
    listing = make_listing(self_referral=True)
    html = card(listing)
    assert SELF in text(html)
    assert f"{listing.get_absolute_url()}#get-in-touch" in hrefs(html)


@pytest.mark.parametrize(
    ("names", "line"),
    [
        (["Leicester"], "Covers only Leicester"),
        (["Leicester", "Rutland"], "Covers only Leicester and Rutland"),
        (["Blaby", "Charnwood", "Melton"], "Covers only Blaby, Charnwood and Melton"),
    ],
)
def test_card_says_which_part_of_the_searched_area_a_service_covers(make_listing, names, line):
    assert line in text(card(make_listing(), covers_only=names))


@pytest.mark.parametrize("attributes", [{}, {"covers_only": []}])
def test_card_says_nothing_of_covering_only_part_when_the_view_sets_nothing(
    make_listing, attributes
):
    assert "Covers only" not in card(make_listing(), **attributes)


def test_card_escapes_what_a_provider_typed(make_listing):
    html = card(make_listing(name="<b>Bold</b> service"))
    assert "<b>Bold</b>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; service" in html


def test_search_results_show_each_cards_way_to_get_in_touch(client, make_listing, areas):
    make_listing(
        name="Phone service",
        contact_routes=routes(("phone", "0116 496 0123")),
        areas=[areas["leicester"]],
    )
    make_listing(name="Referred service", areas=[areas["leicester"]])
    html = client.get("/services/").content.decode()
    assert "tel:01164960123" in hrefs(html)
    assert ASK in text(html)


# --- The listing page agrees with the card ------------------------------------------


def page(client, listing):
    return text(client.get(listing.get_absolute_url()).content.decode())


def test_listing_page_of_a_self_referral_service_without_details_does_not_contradict_itself(
    client, make_listing
):
    listing = make_listing(self_referral=True, how_to_refer="Ask for the team by name.")
    html = page(client, listing)
    assert SELF in html
    assert NO_DETAILS not in html
    assert "this directory does not have its phone number, email address or website yet" in html
    assert "Read “How to be referred” below" in html


def test_listing_page_with_only_a_referral_form_points_to_it(client, make_listing):
    listing = make_listing(contact_routes=routes(("referral_form", "https://example.org/refer")))
    response = client.get(listing.get_absolute_url()).content.decode()
    assert NO_DETAILS not in text(response)
    assert "Fill in the online referral form" in text(response)
    assert "https://example.org/refer" in hrefs(response)


def test_listing_page_says_a_professional_must_refer_you_as_the_card_does(client, make_listing):
    listing = make_listing(self_referral=False)
    html = page(client, listing)
    assert REFERRED in html
    assert ASK in html
    assert SELF not in html
    assert ASK in text(card(listing))


@pytest.mark.parametrize("self_referral", [True, False])
@pytest.mark.parametrize(
    "contact_routes",
    [
        [],
        [{"kind": "phone", "value": "0116 496 0123"}],
        [{"kind": "phone", "value": "0116 496 0123", "for": "professionals"}],
    ],
)
def test_listing_page_and_card_never_contradict_each_other(
    client, make_listing, self_referral, contact_routes
):
    listing = make_listing(self_referral=self_referral, contact_routes=contact_routes)
    on_page, on_card = page(client, listing), text(card(listing))
    assert NO_DETAILS not in on_page
    assert "does not publish contact details" not in on_page
    expected, other = (SELF, REFERRED) if self_referral else (REFERRED, SELF)
    assert expected in on_page and expected in on_card
    assert other not in on_page and other not in on_card


# --- Freshness on the card -------------------------------------------------------------


def test_card_says_when_the_details_were_last_checked(make_listing):
    html = card(make_listing(last_checked=datetime.date(2026, 3, 5)))
    assert 'Last checked on <time datetime="2026-03-05">5 March 2026</time>.' in html


def test_card_of_a_listing_unchecked_for_over_a_year_says_it_may_be_out_of_date(make_listing):
    old = timezone.localdate() - datetime.timedelta(days=400)
    assert OUT_OF_DATE in text(card(make_listing(last_checked=old)))


@pytest.mark.parametrize("days", [0, 200, 360])
def test_card_of_a_listing_checked_within_a_year_does_not_warn(make_listing, days):
    recent = timezone.localdate() - datetime.timedelta(days=days)
    assert OUT_OF_DATE not in text(card(make_listing(last_checked=recent)))
