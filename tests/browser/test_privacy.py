"""A visitor's browser gets no cookies on public pages (only the CSRF cookie on the form)."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

LISTING = "/services/victim-first-restorative-justice/"


def test_public_pages_set_no_cookies(open_page, site):
    page = open_page()
    for path in [
        "/",
        "/services/?q=restorative&area=leicester",
        LISTING,
        "/areas/",
        "/areas/derby-and-derbyshire/",
        "/information/",
        "/information/what-is-restorative-justice/",
        "/no-such-page/",
    ]:
        page.goto(site + path)
    assert page.context.cookies() == []
    # Every request stayed on this site: checked by open_page when the test ends.
    assert page.requests.off_site(site) == []


def test_report_form_sets_only_the_csrf_cookie(open_page, site):
    page = open_page()
    page.goto(site + LISTING + "report/")
    names = [cookie["name"] for cookie in page.context.cookies()]
    assert len(names) == 1
    assert names[0].endswith("csrftoken")
