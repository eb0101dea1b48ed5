"""The visitor's journeys, at a phone's width and a desktop's, with and without JavaScript.

Every request the browser makes must stay on this site (checked by the open_page fixture).
"""

import re

import pytest
from playwright.sync_api import expect

from pages.models import Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

JOURNEY_SETUPS = [
    pytest.param("375px", True, id="375px-js"),
    pytest.param("1280px", True, id="1280px-js"),
    pytest.param("375px", False, id="375px-no-js"),
    pytest.param("1280px", False, id="1280px-no-js"),
]


def tick(page, facet, checkbox_id):
    """Open a filter group (a <details>) and tick one of its checkboxes."""
    group = page.locator("details.app-facet", has=page.locator(f"#{checkbox_id}"))
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    expect(group.get_by_text(facet).first).to_be_visible()
    page.locator(f"label[for={checkbox_id}]").click()
    expect(page.locator(f"#{checkbox_id}")).to_be_checked()


@pytest.mark.parametrize(("width", "javascript"), JOURNEY_SETUPS)
def test_visitor_searches_filters_and_reads_how_to_get_in_touch(open_page, site, width, javascript):
    page = open_page(width, javascript=javascript)
    page.goto(site + "/")
    page.get_by_label("What are you looking for? (optional)").fill("restorative")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/services/\?q=restorative"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a restorative justice service")

    tick(page, "Area", "area-leicester")
    tick(page, "How it is delivered", "mode-shuttle-mediation")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"area=leicester"))
    expect(page).to_have_url(re.compile(r"mode=shuttle-mediation"))
    expect(page.locator("#results-heading")).to_have_text(re.compile(r"^[1-9]\d* services? found"))
    results = page.locator(".app-results > li")
    expect(results.first).to_be_visible()

    name = results.first.get_by_role("link").first.inner_text()
    results.first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    touch = page.get_by_role("heading", name="How to get in touch")
    expect(touch).to_be_visible()
    touch.scroll_into_view_if_needed()
    expect(page.locator("#get-in-touch + *")).to_be_visible()


@pytest.mark.parametrize(("width", "javascript"), JOURNEY_SETUPS)
def test_visitor_finds_services_from_their_postcode(open_page, site, width, javascript):
    page = open_page(width, javascript=javascript)
    page.goto(site + "/")
    page.get_by_label("Where do you live? (optional)").fill("le11 3tu")
    page.get_by_role("button", name="Search").click()
    # The postcode is swapped for its district before the results page is shown.
    expect(page).to_have_url(re.compile(r"where=Charnwood"))
    assert "3tu" not in page.url.lower()
    expect(page.locator("#where-found")).to_contain_text("Charnwood")
    victim_first = page.get_by_role("link", name="Victim First restorative justice service")
    expect(victim_first).to_be_visible()


@pytest.mark.parametrize(("width", "javascript"), JOURNEY_SETUPS)
def test_visitor_browses_services_by_area(open_page, site, width, javascript):
    page = open_page(width, javascript=javascript)
    page.goto(site + "/")
    page.get_by_role("link", name="Derby and Derbyshire", exact=True).click()
    expect(page).to_have_url(site + "/areas/derby-and-derbyshire/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Derby and Derbyshire")
    expect(page.get_by_role("link", name="Remedi Restorative Justice", exact=False)).to_be_visible()


@pytest.mark.parametrize(("width", "javascript"), JOURNEY_SETUPS)
def test_visitor_reads_an_information_page(open_page, site, width, javascript):
    page = open_page(width, javascript=javascript)
    page.goto(site + "/")
    page.get_by_role("link", name="Is restorative justice right for me?").click()
    expect(page).to_have_url(site + "/information/is-it-right-for-me/")
    title = Page.objects.get(slug="is-it-right-for-me").title
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


@pytest.mark.parametrize(("width", "javascript"), JOURNEY_SETUPS)
def test_visitor_reports_a_problem_with_a_listing(open_page, site, width, javascript):
    page = open_page(width, javascript=javascript)
    page.goto(site + "/services/derbyshire-victim-services/")
    page.get_by_role("link", name="Report a problem with this page").click()
    expect(page).to_have_url(site + "/services/derbyshire-victim-services/report/")
    page.get_by_label("What is wrong?").fill("The phone number on this page does not work.")
    page.get_by_role("button", name="Send report").click()
    expect(page).to_have_url(site + "/services/derbyshire-victim-services/report/sent/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report sent")
