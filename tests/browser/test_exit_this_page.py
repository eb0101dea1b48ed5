"""Exit this page: a link without JavaScript; Shift three times within 5 seconds with it.

The exit target is intercepted by the open_page fixture, so no real network is used.
"""

import pytest
from playwright.sync_api import expect

from .conftest import EXIT_URL

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def open_home(open_page, site, **options):
    page = open_page(may_exit=True, **options)
    page.goto(site + "/")
    if options.get("javascript", True):
        # app.js marks the page once govuk-frontend has set the components up.
        expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
        expect(page.locator(".govuk-exit-this-page__indicator")).to_have_count(1)
    return page


def test_exit_link_works_without_javascript(open_page, site):
    page = open_home(open_page, site, javascript=False)
    page.get_by_role("button", name="Emergency Exit this page").click()
    expect(page).to_have_url(EXIT_URL)
    expect(page).to_have_title("Weather")


def test_exit_link_works_with_javascript(open_page, site):
    page = open_home(open_page, site)
    page.get_by_role("button", name="Emergency Exit this page").click()
    expect(page).to_have_url(EXIT_URL)


def test_pressing_shift_three_times_leaves_the_page(open_page, site):
    page = open_home(open_page, site)
    for _ in range(3):
        page.keyboard.press("Shift")
    expect(page).to_have_url(EXIT_URL)


def test_typing_capital_letters_does_not_leave_the_page(open_page, site):
    page = open_home(open_page, site)
    page.get_by_label("What are you looking for? (optional)").click()
    for _ in range(3):
        page.keyboard.press("Shift+A")
    page.wait_for_timeout(1000)
    assert page.url == site + "/"
    expect(page.get_by_label("What are you looking for? (optional)")).to_have_value("AAA")


def test_a_pause_longer_than_five_seconds_starts_the_count_again(open_page, site):
    page = open_home(open_page, site)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_timeout(5500)
    page.keyboard.press("Shift")
    page.wait_for_timeout(1000)
    assert page.url == site + "/"
    # That press counted as the first of a new three.
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    expect(page).to_have_url(EXIT_URL)
