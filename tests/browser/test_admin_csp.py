"""The admin works under the site's strict Content-Security-Policy: no page breaks it.

Forum staff and a provider editor open every kind of admin page in Chromium; any
style or script the policy blocks shows as a "securitypolicyviolation" event (recorded
by an init script, which runs before the page's own) or a console message.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client

from directory.models import Listing, Organisation
from directory.roles import FORUM_STAFF, PROVIDER_EDITORS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`
  );
});
"""


def signed_in_page(browser, site, user):
    """Return a page whose browser holds a session of ``user`` (no login form needed)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site}])
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_problems = []
    page.on(
        "console",
        lambda message: (
            page.console_problems.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return page


def violations_on(page, url):
    """Open ``url`` and return what the policy blocked there."""
    page.console_problems.clear()
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert "/admin/login/" not in page.url, f"{url} sent the user to sign in"
    page.wait_for_load_state("load")
    # Let deferred scripts run, and what they add be styled.
    page.wait_for_timeout(200)
    return [*page.evaluate("window.__cspViolations"), *page.console_problems]


@pytest.fixture
def people(site):
    listing = Listing.objects.filter(status=Listing.Status.PUBLISHED).order_by("pk").first()
    organisation = listing.organisation
    staff = User.objects.create_user("forum-staff", "staff@example.org", "x", is_staff=True)
    staff.groups.add(Group.objects.get(name=FORUM_STAFF))
    editor = User.objects.create_user("editor", "editor@example.org", "x", is_staff=True)
    editor.groups.add(Group.objects.get(name=PROVIDER_EDITORS))
    organisation.editors.add(editor)
    # An edit by the provider puts the listing in the review queue.
    listing.summary = listing.summary + " Updated."
    listing.needs_review = True
    listing.save()
    return {"staff": staff, "editor": editor, "listing": listing, "organisation": organisation}


def test_no_admin_page_breaks_the_policy_for_forum_staff(browser, site, people):
    from hub.models import Briefing, Event, NewsItem
    from pages.models import Page

    listing, organisation = people["listing"], people["organisation"]
    assert Organisation.objects.count() > 1
    news, briefing = NewsItem.objects.first(), Briefing.objects.first()
    event, information = Event.objects.first(), Page.objects.first()
    first = news.history.last()
    paths = [
        "/admin/",
        "/admin/directory/listing/",
        f"/admin/directory/listing/{listing.pk}/change/",
        "/admin/directory/listing/add/",
        f"/admin/directory/listing/{listing.pk}/history/",
        "/admin/directory/listing/review/",
        "/admin/directory/organisation/",
        f"/admin/directory/organisation/{organisation.pk}/change/",
        f"/admin/directory/organisation/{organisation.pk}/history/",
        "/admin/pages/page/",
        "/admin/pages/page/add/",
        f"/admin/pages/page/{information.pk}/history/",
        "/admin/hub/newsitem/",
        "/admin/hub/newsitem/add/",
        f"/admin/hub/newsitem/{news.pk}/change/",
        f"/admin/hub/newsitem/{news.pk}/history/",
        f"/admin/hub/newsitem/{news.pk}/history/{first.history_id}/revert/",
        f"/admin/hub/newsitem/{news.pk}/preview/",
        f"/admin/hub/briefing/{briefing.pk}/change/",
        f"/admin/hub/event/{event.pk}/change/",
        "/admin/missedsearches/missedsearch/",
        "/admin/coverage/",
        "/admin/coverage/?show=offence",
        "/admin/directory/problemreport/",
        "/admin/auth/user/",
        "/admin/password_change/",
    ]
    page = signed_in_page(browser, site, people["staff"])
    found = {path: violations_on(page, site + path) for path in paths}
    page.context.close()

    assert {path: problems for path, problems in found.items() if problems} == {}


def test_no_admin_page_breaks_the_policy_for_a_provider_editor(browser, site, people):
    listing = people["listing"]
    paths = [
        "/admin/",
        "/admin/directory/listing/",
        f"/admin/directory/listing/{listing.pk}/change/",
        "/admin/directory/listing/add/",
    ]
    page = signed_in_page(browser, site, people["editor"])
    found = {path: violations_on(page, site + path) for path in paths}
    page.context.close()

    assert {path: problems for path, problems in found.items() if problems} == {}


# For each key column of the listings list: how many lines its longest cell takes, and
# whether the table ends inside the window.
MEASURE_LISTINGS = """() => {
  const lines = (cell) => {
    const tops = new Set();
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      if (!walker.currentNode.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(walker.currentNode);
      for (const rect of range.getClientRects()) tops.add(Math.round(rect.top));
    }
    return tops.size;
  };
  const most = (selector) => Math.max(...[...document.querySelectorAll(selector)].map(lines));
  return {
    right: document.querySelector("#result_list").getBoundingClientRect().right,
    width: document.documentElement.clientWidth,
    status: most("#result_list td.field-status"),
    headers: most("#result_list thead th.column-status, #result_list thead th.column-to_review"),
  };
}"""


def test_the_listings_list_fits_1280_pixels_with_each_status_on_one_line(browser, site, people):
    page = signed_in_page(browser, site, people["staff"])
    page.goto(site + "/admin/directory/listing/")
    found = page.evaluate(MEASURE_LISTINGS)
    page.context.close()

    assert found["right"] <= found["width"], found
    assert found["status"] == 1, found  # "Published", not "Pu/bli/shed"
    assert found["headers"] == 1, found
