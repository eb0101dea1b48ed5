"""The "Staying safe online" page: seeded, honest about what the exit button
cannot do, and linked from the footer of every public page."""

import pytest
from django.urls import reverse

from pages.models import Page

pytestmark = pytest.mark.django_db

URL = "/information/staying-safe-online/"
FOOTER_LINK = f'<a class="govuk-footer__link" href="{URL}">Staying safe online</a>'


def content(response):
    return response.content.decode()


def footer_of(html):
    return html[html.index('<footer class="govuk-footer">') : html.index("</footer>")]


@pytest.fixture
def page():
    return Page.objects.get(slug="staying-safe-online")


def test_page_is_seeded_published_and_first_in_the_footer(page):
    assert page.published
    assert page.show_in_footer
    assert page.position == 0
    assert Page.objects.in_footer().first() == page


def test_page_renders_with_its_heading(client, page):
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    assert "<h1" in content(response)
    assert "Staying safe online</h1>" in content(response)


def test_page_says_the_exit_button_does_not_delete_history(client, page):
    html = content(client.get(URL))
    assert "It does not delete your browsing history." in html
    assert "press the Shift key 3 times quickly" in html


def test_page_names_each_browsers_private_mode(client, page):
    html = content(client.get(URL))
    for name in ("Private Browsing", "Incognito", "InPrivate"):
        assert name in html, name


def test_page_explains_deleting_history_in_each_browser_and_on_phones(client, page):
    html = content(client.get(URL))
    for browser in ("Chrome", "Firefox", "Safari", "Edge", "On a phone or tablet"):
        assert browser in html, browser


def test_page_says_to_call_999_in_danger(client, page):
    assert "If you are in danger now, call 999." in page.body_html()


def test_page_uses_headings_and_lists(page):
    html = page.body_html()
    assert "<h2>" in html
    assert "<h3>" in html
    assert "<ul>" in html


def test_page_has_no_links_to_other_websites(page):
    assert "<a " not in page.body_html()


@pytest.fixture
def public_urls(make_listing, areas):
    listing = make_listing(slug="alder", areas=[areas["leicester"]])
    urls = [
        reverse("directory:home"),
        reverse("directory:search"),
        listing.get_absolute_url(),
        reverse("directory:report-problem", kwargs={"slug": listing.slug}),
        reverse("directory:area-list"),
        reverse("directory:area-detail", kwargs={"slug": "leicester"}),
        reverse("pages:page-list"),
        "/no-such-page/",
    ]
    return urls + [p.get_absolute_url() for p in Page.objects.published()]


def test_every_public_page_links_to_it_in_the_footer(client, page, public_urls):
    for url in public_urls:
        assert FOOTER_LINK in footer_of(content(client.get(url))), url
