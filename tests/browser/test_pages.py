"""Every public page type at both widths: accessible (axe-core), light, private, photographed.

Each page opens in a fresh browser context, so its weight includes every file it needs (no
cache). The rows go to artifacts/browser-report.md and the screenshots to
artifacts/screenshots/ (both git-ignored; CI keeps them).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from directory import vocabularies
from directory.models import Listing, Term
from pages.models import Page

from .conftest import SCREENSHOTS, WIDTHS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

LISTING = "victim-first-restorative-justice"
# Seeded from hub/content/.
NEWS = "best-practice-with-sensitive-and-complex-cases"
BRIEFING = "rj-across-leicester-leicestershire-and-rutland"
PAST_EVENT = "sensitive-and-complex-cases-forum-meeting-april-2021"
# (page type, address, expected status)
PAGE_TYPES = [
    ("home", "/", 200),
    ("search with results", "/services/?q=restorative", 200),
    ("search with no results", "/services/?q=zzqxxv", 200),
    ("search by a town", "/services/?where=Loughborough", 200),
    ("search by a place with no local service", "/services/?where=Skegness", 200),
    ("search by a place outside the region", "/services/?where=Manchester", 200),
    ("search by an unknown place", "/services/?where=Lougborough", 400),
    ("search by what happened and stage", "/services/?offence=violence&stage=in-prison", 200),
    ("listing", f"/services/{LISTING}/", 200),
    ("areas", "/areas/", 200),
    ("area", "/areas/leicester-leicestershire-and-rutland/", 200),
    ("coverage map", "/areas/map/", 200),
    (
        "coverage map of police areas for one kind of visitor",
        "/areas/map/?show=police&audience=people-harmed",
        200,
    ),
    ("information index", "/information/", 200),
    ("page not found", "/no-such-page/", 404),
    ("report a problem", f"/services/{LISTING}/report/", 200),
    ("report sent", f"/services/{LISTING}/report/sent/", 200),
    ("search finding news and briefings", "/services/?q=briefing", 200),
    ("knowledge hub", "/knowledge-hub/", 200),
    ("news", "/knowledge-hub/news/", 200),
    ("news item", f"/knowledge-hub/news/{NEWS}/", 200),
    ("briefing series", "/knowledge-hub/briefings/", 200),
    ("briefing", f"/knowledge-hub/briefings/{BRIEFING}/", 200),
    ("events", "/knowledge-hub/events/", 200),
    ("past event", f"/knowledge-hub/events/{PAST_EVENT}/", 200),
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MAX_BYTES = 100 * 1024
MAX_REQUESTS = 10
AXE = Axe()


def check_page(open_page, site, record_result, *, order, name, path, status, width):
    """Open one page in a fresh context and return the problems found with it."""
    page = open_page(width)
    response = page.goto(site + path)
    page.wait_for_load_state("networkidle")
    assert response.status == status, f"{name}: status {response.status}"

    requests = len(page.requests.all)
    failed = [
        (r.url, r.response().status if r.response() else None)
        for r in page.requests.all[1:]
        if not r.response() or r.response().status >= 400
    ]
    assert failed == [], f"{name}: files that did not load: {failed}"
    transferred = page.requests.transferred_bytes()
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    slug = "-".join(name.replace("/", " ").split())
    page.screenshot(path=SCREENSHOTS / f"{slug}-{width}.png", full_page=True)

    record_result(
        {
            "order": order,
            "page": name,
            "width": width,
            "path": path,
            "violations": [f"{v['id']} ({len(v['nodes'])})" for v in violations],
            "requests": requests,
            "bytes": transferred,
        }
    )
    problems = [
        f"{name} at {width}: axe {v['id']}: {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in violations
    ]
    if requests > MAX_REQUESTS:
        problems.append(f"{name} at {width}: {requests} requests: {page.requests.urls()}")
    if transferred > MAX_BYTES:
        problems.append(f"{name} at {width}: {transferred:,} bytes transferred")
    return problems


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("order", "name", "path", "status"), [(i, *t) for i, t in enumerate(PAGE_TYPES)]
)
def test_page_is_accessible_and_within_budget(
    open_page, site, record_result, order, name, path, status, width
):
    problems = check_page(
        open_page,
        site,
        record_result,
        order=order,
        name=name,
        path=path,
        status=status,
        width=width,
    )
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_every_information_page_is_accessible_and_within_budget(
    open_page, site, record_result, width
):
    slugs = list(Page.objects.published().values_list("slug", flat=True))
    assert slugs
    problems = []
    for slug in slugs:
        problems += check_page(
            open_page,
            site,
            record_result,
            order=len(PAGE_TYPES),
            name=f"information: {slug}",
            path=f"/information/{slug}/",
            status=200,
            width=width,
        )
    assert problems == []


# Every kind of route, for the public and for professionals, with hours and notes.
EVERY_ROUTE = [
    {"kind": "phone", "value": "0116 496 0123", "hours": "Monday to Friday, 9am to 5pm"},
    {"kind": "text", "value": "07700 900123"},
    {"kind": "email", "value": "help@example.org", "note": "We reply within two working days."},
    {"kind": "website", "value": "https://www.example.org/restorative-justice/"},
    {"kind": "referral_form", "value": "https://forms.example.org/refer", "for": "public"},
    {"kind": "ask_professional", "note": "Ask your victim care officer to refer you"},
    {"kind": "email", "value": "referrals@example.org", "for": "professionals"},
]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_fullest_listing_page_not_checked_for_a_year_is_accessible_and_within_budget(
    open_page, site, record_result, width
):
    listing = Listing.objects.get(slug=LISTING)
    listing.contact_routes = EVERY_ROUTE
    listing.address = "1 Example Street\nLeicester"
    listing.interpreters, listing.cost, listing.typical_wait = "yes", "free", "About two weeks"
    listing.accreditation = Listing.Accreditation.RSQM
    listing.accreditation_date = timezone.localdate().replace(year=2024)
    listing.last_checked = timezone.localdate().replace(year=timezone.localdate().year - 2)
    listing.sources = [{"kind": "service", "title": "Leaflet", "date": "2024-01-01"}]
    listing.save()
    for spec in vocabularies.TERM_FIELDS:
        getattr(listing, spec.name).set(Term.objects.filter(vocabulary=spec.vocabulary)[:4])
    cache.clear()
    problems = check_page(
        open_page,
        site,
        record_result,
        order=len(PAGE_TYPES) + 1,
        name="listing with every fact, not checked for a year",
        path=f"/services/{LISTING}/",
        status=200,
        width=width,
    )
    assert problems == []

    # Without JavaScript too: the warning, every route as a link, national help.
    page = open_page(width, javascript=False)
    page.goto(f"{site}/services/{LISTING}/")
    expect(page.locator(".govuk-warning-text")).to_contain_text("may be out of date")
    for href in ["tel:01164960123", "sms:07700900123", "mailto:help@example.org"]:
        expect(page.locator(f'#get-in-touch ~ dl a[href="{href}"]')).to_be_visible()
    expect(page.get_by_role("heading", name="For professionals making a referral")).to_be_visible()
    expect(page.get_by_role("heading", name="If you cannot reach this service")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_upcoming_event_and_the_home_page_announcing_it_are_accessible_and_within_budget(
    open_page, site, record_result, width
):
    import datetime

    from hub.models import Event, Status

    Event.objects.create(
        title="Forum meeting on restorative practice in schools",
        slug="schools-meeting",
        summary="Members share how restorative practice works in schools.",
        body="## What we will discuss\n\n- conferences after exclusions\n- peer mediation",
        status=Status.PUBLISHED,
        date=timezone.localdate() + datetime.timedelta(days=14),
        start_time=datetime.time(10),
        end_time=datetime.time(12, 30),
        place="Loughborough",
        online=True,
        how_to_join="Book a place through the forum.",
        who_for="Forum members",
    )
    problems = []
    for order, name, path in [
        (len(PAGE_TYPES) + 2, "upcoming event", "/knowledge-hub/events/schools-meeting/"),
        (len(PAGE_TYPES) + 3, "home with the next event", "/"),
    ]:
        problems += check_page(
            open_page,
            site,
            record_result,
            order=order,
            name=name,
            path=path,
            status=200,
            width=width,
        )
    assert problems == []

    # Without JavaScript: the home page leads to the event, and its calendar file downloads.
    page = open_page(width, javascript=False)
    page.goto(f"{site}/")
    page.get_by_role("link", name="Forum meeting on restorative practice in schools").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Forum meeting on restorative practice in schools"
    )
    expect(page.locator(".govuk-summary-list")).to_contain_text("10am to 12:30pm (UK time)")
    with page.expect_download() as download:
        page.get_by_role("link", name="Add this event to your calendar").click()
    assert download.value.suggested_filename == "schools-meeting.ics"
