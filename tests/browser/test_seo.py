"""The listing's JSON-LD in a real browser: kept in the DOM, never run, and no breach of
the strict Content-Security-Policy (script-src 'self', nothing inline).

Browsers treat <script type="application/ld+json"> as a data block: the HTML standard stops
preparing such a script before the Content-Security-Policy inline check, so the policy needs
no hash or 'unsafe-inline' for it. These tests prove it in Chromium, and prove the watch
for violations works by breaking the policy on purpose.
"""

import json

import pytest

from directory.models import Area, Listing, Organisation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

LISTING = "/services/victim-first-restorative-justice/"
HOSTILE_NAME = 'Breakout </script><script>window.pwned = true</script> & "quotes" <!--'

# Runs before the page's own scripts (Playwright injects it outside the page's policy).
WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    sample: event.sample,
  });
});
"""


def open_watched(open_page, site, path):
    """Open ``path`` with CSP violations and console messages recorded; return the page."""
    page = open_page()
    page.console = []
    page.on("console", lambda message: page.console.append(f"{message.type}: {message.text}"))
    page.add_init_script(WATCH_VIOLATIONS)
    response = page.goto(site + path)
    page.wait_for_load_state("networkidle")
    assert response.status == 200
    page.csp_header = response.headers["content-security-policy"]
    return page


def violations(page):
    return page.evaluate("window.cspViolations")


def csp_messages(page):
    return [text for text in page.console if "Content Security Policy" in text]


def json_ld_blocks(page):
    blocks = page.locator('script[type="application/ld+json"]')
    return [json.loads(blocks.nth(i).text_content()) for i in range(blocks.count())]


def test_json_ld_is_in_the_dom_and_breaks_no_content_security_policy(open_page, site):
    page = open_watched(open_page, site, LISTING)
    assert "script-src 'self'" in page.csp_header
    assert "unsafe-inline" not in page.csp_header

    [data] = json_ld_blocks(page)
    assert data["@type"] == "Service"
    assert data["name"] == "Victim First restorative justice service"
    assert data["url"] == site + LISTING
    assert data["provider"]["name"] == "Victim First"

    assert violations(page) == []
    assert csp_messages(page) == []


def test_the_watch_catches_a_real_inline_script(open_page, site):
    """The control: an inline script that is JavaScript is blocked and reported."""
    page = open_watched(open_page, site, LISTING)
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.ranInline = true";
          document.head.append(script);
        }"""
    )
    page.wait_for_function("window.cspViolations.length > 0")
    assert [v["directive"] for v in violations(page)] == ["script-src-elem"]
    assert page.evaluate("window.ranInline") is None
    assert csp_messages(page), "Chromium logs the blocked script to the console"


def test_providers_text_cannot_break_out_of_the_json_ld(open_page, site):
    listing = Listing.objects.create(
        name=HOSTILE_NAME,
        slug="breakout",
        organisation=Organisation.objects.get(slug="victim-first"),
        summary="</script><script>window.pwned = true</script>",
        status=Listing.Status.PUBLISHED,
    )
    listing.areas.set([Area.objects.get(slug="rutland")])
    page = open_watched(open_page, site, listing.get_absolute_url())

    [data] = json_ld_blocks(page)
    assert data["name"] == HOSTILE_NAME
    assert data["description"] == "</script><script>window.pwned = true</script>"
    # Had the text closed the element, its <script> would be in the DOM (and blocked).
    assert page.locator("script").count() == 2  # the JSON-LD and the site's module
    assert page.evaluate("window.pwned") is None
    assert page.title().startswith(HOSTILE_NAME)
    assert page.locator('meta[property="og:title"]').get_attribute("content") == HOSTILE_NAME
    assert violations(page) == []
    assert csp_messages(page) == []
