"""The public pages: home, search, listings, areas, information and errors."""

import datetime
import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import escape

from directory.models import Listing, Term
from pages.models import Page

pytestmark = pytest.mark.django_db

SEEDED_PAGES = [
    ("what-is-restorative-justice", "What restorative justice is"),
    ("is-it-right-for-me", "Is restorative justice right for me?"),
    ("for-professionals", "For professionals"),
    ("about-the-forum", "About the forum"),
    ("accessibility", "Accessibility statement"),
    ("privacy", "Privacy notice"),
]


# --- Helpers -----------------------------------------------------------------


class _Links(HTMLParser):
    """Collect every link as (href, text), and every form's attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms, self._open = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self._open.append([attrs.get("href", ""), ""])
        elif tag == "form":
            self.forms.append(attrs)

    def handle_data(self, data):
        for link in self._open:
            link[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            href, text = self._open.pop()
            self.links.append((href, " ".join(text.split())))


def parsed(html):
    parser = _Links()
    parser.feed(html)
    return parser


def links(html):
    return parsed(html).links


def hrefs(html):
    return [href for href, _ in links(html)]


def link_to(html, text):
    """Return the href of the link whose text contains ``text``."""
    found = [href for href, words in links(html) if text in words]
    assert found, f"no link with text {text!r}"
    return found[0]


def query_of(href):
    return parse_qs(urlsplit(href).query)


def content(response):
    return response.content.decode()


def footer(html):
    return html[html.index("<footer") : html.index("</footer>")]


def facet_count(html, name, value):
    """Return the count shown beside a filter option, or None if not shown."""
    match = re.search(
        rf'for="{re.escape(name)}-{re.escape(value)}">[^<]*'
        r'<span class="app-facet-count">\((\d+)',
        html,
    )
    return int(match.group(1)) if match else None


def h2_headings(html):
    return [
        " ".join(re.sub(r"<[^>]+>", "", text).split())
        for text in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)
    ]


# --- Home ----------------------------------------------------------------------


def test_home_page_responds(client):
    assert client.get("/").status_code == 200


def test_home_page_explains_restorative_justice_in_three_sentences(client):
    html = content(client.get("/"))
    explanation = re.search(
        r'<div class="app-hero">.*?<p class="govuk-body-l">(.*?)</p>', html, re.S
    ).group(1)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", explanation.strip()) if s]
    assert len(sentences) == 3
    assert explanation.startswith("Restorative justice")


def test_home_page_search_form_sends_a_get_request_to_the_search_page(client):
    forms = parsed(content(client.get("/"))).forms
    assert {"method": "get", "action": "/services/"}.items() <= forms[0].items()


def test_home_page_search_box_is_named_q(client):
    assert 'name="q"' in content(client.get("/"))


def test_home_page_entry_point_for_people_harmed_filters_by_audience(client):
    href = link_to(content(client.get("/")), "I was harmed")
    assert href == "/services/?audience=people-harmed"


def test_home_page_entry_point_for_people_who_caused_harm_filters_by_audience(client):
    href = link_to(content(client.get("/")), "I caused harm")
    assert href == "/services/?audience=people-who-caused-harm"


def test_home_page_entry_point_for_family_school_or_workplace_filters_by_setting(client):
    href = link_to(content(client.get("/")), "A family, school or workplace conflict")
    assert urlsplit(href).path == "/services/"
    assert {"childrens-social-care", "schools", "workplace"} <= set(query_of(href)["setting"])


def test_home_page_entry_point_for_professionals_asks_for_professional_guidance(client):
    href = link_to(content(client.get("/")), "professional referring someone")
    assert href == "/services/?you=pro"


@pytest.mark.parametrize(
    "text",
    ["I was harmed", "I caused harm", "A family, school or workplace conflict", "professional"],
)
def test_every_home_page_entry_point_leads_to_a_working_search(client, text):
    href = link_to(content(client.get("/")), text)
    assert client.get(href).status_code == 200


def test_search_for_professionals_shows_referral_guidance(client):
    html = content(client.get("/services/?you=pro"))
    assert "Referring someone?" in html


def test_search_without_you_pro_does_not_show_referral_guidance(client):
    assert "Referring someone?" not in content(client.get("/services/"))


# --- Search ------------------------------------------------------------------


def test_search_shows_published_listings(client, make_listing):
    make_listing(name="Published service")
    assert "Published service" in content(client.get("/services/"))


@pytest.mark.parametrize("status", [Listing.Status.DRAFT, Listing.Status.ARCHIVED])
def test_search_hides_listings_that_are_not_published(client, make_listing, status):
    make_listing(name="Hidden service", status=status)
    assert "Hidden service" not in content(client.get("/services/"))


def test_search_counts_the_results(client, make_listing):
    make_listing()
    make_listing()
    make_listing(status=Listing.Status.DRAFT)
    assert "2 services found" in content(client.get("/services/"))


def test_search_counts_a_single_result_in_the_singular(client, make_listing):
    make_listing()
    assert "1 service found" in content(client.get("/services/"))


def test_search_shows_the_number_of_services_beside_each_filter_option(client, make_listing):
    make_listing(audiences=["people-harmed"])
    make_listing(audiences=["people-harmed", "families"])
    make_listing(audiences=["people-who-caused-harm"])
    html = content(client.get("/services/"))
    assert facet_count(html, "audience", "people-harmed") == 2
    assert facet_count(html, "audience", "families") == 1
    assert facet_count(html, "audience", "people-who-caused-harm") == 1


def test_facet_counts_leave_out_unpublished_listings(client, make_listing):
    make_listing(modes=["letter-writing"])
    make_listing(modes=["letter-writing"], status=Listing.Status.DRAFT)
    html = content(client.get("/services/"))
    assert facet_count(html, "mode", "letter-writing") == 1


def test_facet_counts_take_account_of_other_chosen_filters(client, make_listing):
    make_listing(audiences=["people-harmed"], modes=["letter-writing"])
    make_listing(audiences=["people-harmed"], modes=["video-or-phone"])
    html = content(client.get("/services/?mode=letter-writing"))
    assert facet_count(html, "audience", "people-harmed") == 1


def test_facet_counts_take_account_of_search_words(client, make_listing, make_organisation):
    make_listing(name="Mediation service", summary="Mediation and more mediation.")
    make_listing(name="Other service", summary="We offer mediation.")
    make_listing(name="Unrelated service", summary="Letters only.")
    html = content(client.get("/services/?q=mediation"))
    assert facet_count(html, "kind", "statutory") == 2


def test_term_facet_counts_take_account_of_search_words(client, make_listing):
    make_listing(name="Mediation service", audiences=["families"])
    make_listing(name="Other service", audiences=["families"])
    html = content(client.get("/services/?q=mediation"))
    assert facet_count(html, "audience", "families") == 1


def test_area_facet_counts_take_account_of_search_words(client, make_listing, areas):
    make_listing(name="Mediation service", areas=[areas["leicester"]])
    make_listing(name="Other service", areas=[areas["leicester"]])
    html = content(client.get("/services/?q=mediation"))
    assert facet_count(html, "area", "leicester") == 1


def test_area_facet_counts_services_covering_a_larger_area(client, make_listing, areas):
    make_listing(areas=[areas["region"]])
    make_listing(areas=[areas["leicester"]])
    html = content(client.get("/services/"))
    assert facet_count(html, "area", "leicester") == 2


def test_area_facet_does_not_count_services_in_a_sibling_area(client, make_listing, areas):
    make_listing(areas=[areas["leicester"]])
    html = content(client.get("/services/"))
    assert facet_count(html, "area", "rutland") == 0


def test_search_lists_each_active_filter(client, make_listing):
    make_listing(audiences=["people-harmed"], modes=["letter-writing"])
    html = content(client.get("/services/?audience=people-harmed&mode=letter-writing"))
    texts = [text for _, text in links(html)]
    assert "Remove filter: People harmed" in texts
    assert "Remove filter: Letter writing" in texts


def test_removing_a_filter_value_keeps_the_other_values_of_the_same_filter(client):
    html = content(
        client.get("/services/?audience=people-harmed&audience=families&mode=letter-writing")
    )
    href = link_to(html, "Remove filter: Families")
    assert query_of(href) == {"audience": ["people-harmed"], "mode": ["letter-writing"]}


def test_removing_a_filter_drops_the_page_number(client, settings, make_listing):
    settings.DIRECTORY_PAGE_SIZE = 1
    make_listing(audiences=["people-harmed"])
    make_listing(audiences=["people-harmed"])
    html = content(client.get("/services/?audience=people-harmed&q=service&page=2"))
    assert "page" not in query_of(link_to(html, "Remove filter: People harmed"))


def test_removing_the_search_words_keeps_the_filters(client):
    html = content(client.get("/services/?q=letter&audience=families"))
    href = link_to(html, "Remove filter: Search")
    assert query_of(href) == {"audience": ["families"]}


def test_removing_the_only_filter_leads_to_every_service(client):
    html = content(client.get("/services/?audience=families"))
    assert link_to(html, "Remove filter: Families") == "?"


def test_search_without_filters_lists_no_active_filters(client, make_listing):
    make_listing()
    assert "Your filters" not in content(client.get("/services/"))


@pytest.fixture
def five_listings(settings, make_listing):
    settings.DIRECTORY_PAGE_SIZE = 2
    made = [make_listing(name=f"Listing {letter}") for letter in "ABCDE"]
    make_listing(name="Listing Z", audiences=["families"])  # filtered out below
    return made


@pytest.mark.parametrize("page, names", [(2, ["Listing C", "Listing D"]), (3, ["Listing E"])])
def test_later_pages_of_results_show_the_next_listings(client, five_listings, page, names):
    html = content(client.get(f"/services/?audience=people-harmed&page={page}"))
    shown = [f"Listing {letter}" for letter in "ABCDE" if f">Listing {letter}<" in html]
    assert shown == names


def test_each_page_of_results_counts_every_result(client, five_listings):
    html = content(client.get("/services/?audience=people-harmed&page=3"))
    assert "5 services found" in html


def page_links(html):
    """The links in the pagination bar."""
    start = html.index('<nav class="govuk-pagination"')
    return hrefs(html[start : html.index("</nav>", start)])


def test_pagination_links_keep_the_filters(client, five_listings):
    html = content(client.get("/services/?audience=people-harmed&page=2"))
    kept = [query_of(href).get("audience") for href in page_links(html)]
    assert kept == [["people-harmed"]] * 5  # previous, 1, 2, 3, next


def test_pagination_links_point_to_the_neighbouring_pages(client, five_listings):
    html = content(client.get("/services/?audience=people-harmed&page=2"))
    assert query_of(link_to(html, "Previous"))["page"] == ["1"]
    assert query_of(link_to(html, "Next"))["page"] == ["3"]


def test_pagination_links_name_the_page_only_once(client, five_listings):
    html = content(client.get("/services/?page=2&audience=people-harmed"))
    assert query_of(link_to(html, "Next"))["page"] == ["3"]


def test_last_page_has_no_next_link(client, five_listings):
    html = content(client.get("/services/?audience=people-harmed&page=3"))
    assert "Next page" not in [text for _, text in links(html)]


def test_a_single_page_of_results_has_no_pagination(client, make_listing):
    make_listing()
    assert "govuk-pagination" not in content(client.get("/services/"))


def test_no_results_says_so_plainly(client, make_listing):
    make_listing(audiences=["people-harmed"])
    html = content(client.get("/services/?audience=families"))
    assert "No services match your search." in html


def test_no_results_suggests_removing_a_filter(client, make_listing):
    make_listing(audiences=["people-harmed"])
    html = content(client.get("/services/?audience=families"))
    assert "remove a filter" in html


@pytest.mark.parametrize(
    "organisation", ["Victim Support", "Why me?", "Restorative Justice Council"]
)
def test_no_results_names_national_help(client, organisation):
    html = content(client.get("/services/?q=nothingmatchesthis"))
    assert escape(organisation) in html


def test_results_do_not_show_the_no_results_message(client, make_listing):
    make_listing()
    assert "No services match your search." not in content(client.get("/services/"))


# --- Listing page --------------------------------------------------------------


def test_published_listing_page_responds(client, make_listing):
    listing = make_listing()
    assert client.get(listing.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("status", [Listing.Status.DRAFT, Listing.Status.ARCHIVED])
def test_unpublished_listing_page_is_not_found(client, make_listing, status):
    listing = make_listing(status=status)
    assert client.get(f"/services/{listing.slug}/").status_code == 404


def test_unknown_listing_page_is_not_found(client):
    assert client.get("/services/no-such-service/").status_code == 404


@pytest.mark.parametrize("heading", ["How to get in touch", "How to be referred"])
def test_listing_page_puts_contact_and_referral_before_who_it_is_for(client, make_listing, heading):
    headings = h2_headings(content(client.get(make_listing().get_absolute_url())))
    assert headings.index(heading) < headings.index("Who it is for")


def get_in_touch(html):
    """The "How to get in touch" section of a listing page, up to the next section."""
    start = html.index('id="get-in-touch"')
    return html[start : html.index('id="referral"', start)]


def text_of(html):
    """The words of ``html`` as a reader sees them: no tags, entities decoded."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize(
    ("route", "href", "shown"),
    [
        ({"kind": "phone", "value": "0116 123 4567"}, "tel:01161234567", "0116 123 4567"),
        ({"kind": "text", "value": "07700 900 123"}, "sms:07700900123", "07700 900 123"),
        ({"kind": "email", "value": "help@example.org"}, "mailto:help@example.org", None),
        ({"kind": "website", "value": "https://www.example.org/rj"}, None, "example.org"),
        (
            {"kind": "referral_form", "value": "https://forms.example.org/refer"},
            "https://forms.example.org/refer",
            "Fill in the online referral form",
        ),
    ],
)
def test_listing_page_links_every_kind_of_route(client, make_listing, route, href, shown):
    listing = make_listing(contact_routes=[route])
    section = get_in_touch(content(client.get(listing.get_absolute_url())))
    href = href or route["value"]
    shown = shown or route["value"]
    assert (href, shown) in links(section)


def test_listing_page_labels_each_route_by_its_kind(client, make_listing):
    listing = make_listing(
        contact_routes=[
            {"kind": "phone", "value": "0116 123 4567"},
            {"kind": "text", "value": "07700 900 123"},
            {"kind": "email", "value": "help@example.org"},
        ]
    )
    section = text_of(get_in_touch(content(client.get(listing.get_absolute_url()))))
    assert "Phone 0116 123 4567" in section
    assert "Text message (SMS) 07700 900 123" in section
    assert "Email help@example.org" in section


def test_listing_page_shows_a_phones_opening_hours_and_note(client, make_listing):
    listing = make_listing(
        contact_routes=[
            {
                "kind": "phone",
                "value": "0116 123 4567",
                "hours": "Monday to Friday, 9am to 5pm",
                "note": "Ask for the restorative justice team.",
            }
        ]
    )
    section = text_of(get_in_touch(content(client.get(listing.get_absolute_url()))))
    assert "Opening hours: Monday to Friday, 9am to 5pm" in section
    assert "Ask for the restorative justice team." in section


def test_listing_page_shows_ask_a_professional_with_its_note(client, make_listing):
    note = "Ask your victim care officer to refer you"
    listing = make_listing(contact_routes=[{"kind": "ask_professional", "note": note}])
    section = text_of(get_in_touch(content(client.get(listing.get_absolute_url()))))
    assert f"Through a professional {note}" in section


def test_listing_page_shows_the_organisations_shared_routes(
    client, make_listing, make_organisation
):
    organisation = make_organisation(
        contact_routes=[
            {"kind": "phone", "value": "0115 000 0000"},
            {"kind": "email", "value": "shared@example.org"},
        ]
    )
    listing = make_listing(
        organisation=organisation, contact_routes=[{"kind": "email", "value": "own@example.org"}]
    )
    section = get_in_touch(content(client.get(listing.get_absolute_url())))
    assert "tel:01150000000" in hrefs(section)
    assert "mailto:own@example.org" in hrefs(section)
    assert "mailto:shared@example.org" not in hrefs(section)  # the listing's own wins


def test_listing_page_puts_public_routes_first_and_groups_professionals_ones(client, make_listing):
    listing = make_listing(
        contact_routes=[
            {"kind": "email", "value": "referrals@example.org", "for": "professionals"},
            {"kind": "phone", "value": "0116 123 4567", "for": "public"},
            {"kind": "website", "value": "https://example.org/"},
        ]
    )
    section = get_in_touch(content(client.get(listing.get_absolute_url())))
    public, professionals = section.split("For professionals making a referral")
    assert {"tel:01161234567", "https://example.org/"} <= set(hrefs(public))
    assert "mailto:referrals@example.org" not in hrefs(public)
    assert hrefs(professionals) == ["mailto:referrals@example.org"]


def test_listing_page_without_professionals_routes_has_no_professionals_group(client, make_listing):
    listing = make_listing(contact_routes=[{"kind": "phone", "value": "0116 123 4567"}])
    assert "For professionals making a referral" not in content(
        client.get(listing.get_absolute_url())
    )


def test_listing_page_shows_the_address_where_visitors_can_come(client, make_listing):
    listing = make_listing(address="1 High Street\nLeicester")
    section = get_in_touch(content(client.get(listing.get_absolute_url())))
    assert "1 High Street<br>Leicester" in section


def test_listing_page_without_routes_or_self_referral_says_ask_a_professional(client, make_listing):
    listing = make_listing(self_referral=False)
    section = text_of(get_in_touch(content(client.get(listing.get_absolute_url()))))
    assert "Ask your police officer, offender manager or case worker to refer you" in section
    assert "yourself" not in section


def test_listing_page_with_routes_has_no_missing_details_message(client, make_listing):
    listing = make_listing(contact_routes=[{"kind": "email", "value": "help@example.org"}])
    section = text_of(get_in_touch(content(client.get(listing.get_absolute_url()))))
    assert "does not have" not in section
    assert "Ask your police officer" not in section
    assert "not from the public directly" not in section


# --- Listing page: how sure we are ---------------------------------------------------


def test_listing_page_says_when_it_was_last_checked_under_the_summary(client, make_listing):
    listing = make_listing(last_checked=datetime.date(2026, 3, 5))
    html = content(client.get(listing.get_absolute_url()))
    line = 'Last checked on <time datetime="2026-03-05">5 March 2026</time>.'
    assert line in html
    assert html.index(listing.summary) < html.index(line) < html.index('id="get-in-touch"')


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


STALE_WARNING = "may be out of date. Check them with the service"


def test_listing_unchecked_for_over_a_year_warns_the_public(client, make_listing):
    listing = make_listing(last_checked=days_ago(370))
    html = content(client.get(listing.get_absolute_url()))
    assert 'class="govuk-warning-text"' in html
    assert STALE_WARNING in text_of(html)


def test_listing_unchecked_for_over_a_year_points_to_national_help(client, make_listing):
    listing = make_listing(last_checked=days_ago(370))
    section = get_in_touch(content(client.get(listing.get_absolute_url())))
    assert "If you cannot reach this service" in section
    assert any(href.startswith("https://") for href in hrefs(section))  # national routes


@pytest.mark.parametrize("days", [0, 200, 360])
def test_listing_checked_within_a_year_has_no_warning(client, make_listing, days):
    listing = make_listing(last_checked=days_ago(days))
    html = content(client.get(listing.get_absolute_url()))
    assert "govuk-warning-text" not in html
    assert "If you cannot reach this service" not in html


def test_listing_page_says_where_its_information_came_from(client, make_listing):
    listing = make_listing(
        last_checked=datetime.date(2026, 3, 5),
        sources=[
            {"kind": "service", "title": "Leaflet", "date": "2026-01-10"},
            {"kind": "survey", "title": "Survey 2025", "date": "2025-11-01"},
        ],
    )
    html = text_of(content(client.get(listing.get_absolute_url())))
    assert (
        "Information from the service and the forum's survey of services, checked on 5 March 2026"
        in html
    )


def test_listing_page_without_sources_says_only_when_it_was_checked(client, make_listing):
    listing = make_listing(last_checked=datetime.date(2026, 3, 5))
    html = content(client.get(listing.get_absolute_url()))
    provenance = re.search(r'<p class="govuk-body-s app-provenance"[^>]*>(.*?)</p>', html).group(1)
    assert text_of(provenance) == "Checked on 5 March 2026 ."
    assert "Information from" not in html


# --- Listing page: what the service takes on ------------------------------------------


def terms(vocabulary, *slugs):
    return list(Term.objects.filter(vocabulary=vocabulary, slug__in=slugs))


def fact(html, name):
    """The text of one fact row (``id="fact-<name>"``) of a listing page, or None."""
    match = re.search(
        rf'<div class="govuk-summary-list__row" id="fact-{name}">(.*?)</div>', html, re.S
    )
    return text_of(match.group(1)) if match else None


@pytest.fixture
def full_listing(make_listing):
    listing = make_listing(
        interpreters="yes",
        typical_wait="Usually within two weeks",
        cost="free",
        accreditation=Listing.Accreditation.RSQM,
        accreditation_date=datetime.date(2024, 6, 1),
    )
    listing.offence_types.set(terms("offence_type", "burglary", "violence"))
    listing.excluded_offence_types.set(terms("offence_type", "sexual-offences"))
    listing.stages.set(terms("stage", "after-sentence", "in-prison"))
    listing.prisons.set(terms("prison", "hmp-leicester"))
    listing.referrers.set(terms("referrer", "person-harmed", "professional"))
    listing.languages.set(terms("language", "english", "british-sign-language"))
    return listing


@pytest.fixture
def full_page(client, full_listing):
    return content(client.get(full_listing.get_absolute_url()))


def test_listing_page_lists_the_offences_taken_on(full_page):
    assert fact(full_page, "offences") == "What happened Violence Burglary"


def test_listing_page_lists_the_offences_not_taken_on(full_page):
    assert fact(full_page, "excluded") == "Does not take on Sexual offences"


def test_listing_page_lists_the_stages_of_the_case(full_page):
    assert fact(full_page, "stages") == "Stage of the case After sentencing In prison"


def test_listing_page_lists_the_prisons(full_page):
    assert fact(full_page, "prisons") == "Prisons HMP Leicester"


def test_listing_page_lists_who_can_ask(full_page):
    assert fact(full_page, "referrers") == "Who can ask for it The person harmed A professional"


def test_listing_page_gives_languages_and_interpreters(full_page):
    assert fact(full_page, "languages") == (
        "Languages and interpreters Works in English and British Sign Language. "
        "An interpreter can be arranged, including for British Sign Language (BSL)."
    )


def test_listing_page_gives_the_typical_wait(full_page):
    assert fact(full_page, "wait") == "Typical wait until first contact Usually within two weeks"


def test_listing_page_says_the_service_is_free(full_page):
    assert fact(full_page, "cost") == "Cost Free"


def test_listing_page_gives_the_registration_and_its_date(full_page):
    assert fact(full_page, "registration") == (
        "Restorative Justice Council registration Restorative Service Quality Mark, "
        "certificate dated 1 June 2024"
    )


def test_listing_page_invents_no_fact_it_does_not_have(client, make_listing):
    html = content(client.get(make_listing().get_absolute_url()))
    assert fact(html, "offences") == "What happened Not known — ask the service"
    assert fact(html, "stages") == "Stage of the case Not known — ask the service"
    assert fact(html, "languages") == (
        "Languages and interpreters Ask the service whether it can arrange an interpreter."
    )
    assert fact(html, "registration") == (
        "Restorative Justice Council registration None recorded in this directory"
    )
    for missing in ["excluded", "prisons", "referrers", "wait", "cost"]:
        assert fact(html, missing) is None, missing


def test_listing_page_says_when_interpreters_cannot_be_arranged(client, make_listing):
    html = content(client.get(make_listing(interpreters="no").get_absolute_url()))
    assert "The service cannot arrange an interpreter." in fact(html, "languages")


def test_listing_page_says_there_may_be_a_charge(client, make_listing):
    html = content(client.get(make_listing(cost="charge").get_absolute_url()))
    assert fact(html, "cost") == "Cost There may be a charge: ask the service"


# --- Plain words -------------------------------------------------------------------


JARGON = ["offender-focused", "victim-focused", "statutory", "slug", "setting:"]


@pytest.mark.parametrize("word", JARGON)
def test_listing_and_search_pages_use_no_jargon(client, full_listing, areas, word):
    full_listing.settings.set(terms("setting", "criminal-justice"))
    full_listing.audiences.set(Term.objects.filter(vocabulary="audience"))  # descriptions shown
    for url in [full_listing.get_absolute_url(), "/services/", "/services/?you=pro", "/"]:
        assert word not in text_of(content(client.get(url))).lower(), url


def test_listing_page_says_who_runs_the_service_in_plain_words(
    client, make_listing, make_organisation
):
    organisation = make_organisation(name="Remedi", kind="voluntary")
    html = text_of(content(client.get(make_listing(organisation=organisation).get_absolute_url())))
    assert "Run by Remedi, a charity or independent group." in html


@pytest.mark.parametrize(
    ("name", "legend"),
    [("offence", "What happened"), ("stage", "Stage of the case"), ("kind", "Who runs it")],
)
def test_search_page_has_a_filter_for_each_question(client, make_listing, name, legend):
    html = content(client.get("/services/"))
    legends = re.findall(r'<legend class="govuk-fieldset__legend[^"]*">([^<]*)</legend>', html)
    assert legend in legends
    assert f'name="{name}"' in html


def test_search_page_counts_services_by_what_happened_and_stage(client, make_listing):
    listing = make_listing()
    listing.offence_types.set(terms("offence_type", "burglary"))
    listing.stages.set(terms("stage", "in-prison"))
    make_listing()
    html = content(client.get("/services/"))
    assert facet_count(html, "offence", "burglary") == 1
    assert facet_count(html, "offence", "violence") == 0
    assert facet_count(html, "stage", "in-prison") == 1


def test_search_by_what_happened_finds_only_the_services_taking_it_on(client, make_listing):
    taking = make_listing(name="Takes burglary")
    taking.offence_types.set(terms("offence_type", "burglary"))
    make_listing(name="Does not say")
    html = content(client.get("/services/?offence=burglary"))
    assert "Takes burglary" in html
    assert "Does not say" not in html


def test_listing_page_escapes_a_script_in_the_description(client, make_listing):
    listing = make_listing(description="Hello <script>alert(1)</script>")
    html = content(client.get(listing.get_absolute_url()))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_listing_page_never_shows_a_script_in_the_description_raw(client, make_listing):
    listing = make_listing(description="Hello <script>alert(1)</script>")
    html = content(client.get(listing.get_absolute_url()))
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize("field", ["name", "summary", "how_to_refer", "address"])
def test_listing_page_escapes_markup_in_every_text_field(client, make_listing, field):
    listing = make_listing(**{field: "<b onmouseover=x>bold</b>"})
    html = content(client.get(listing.get_absolute_url()))
    assert "<b onmouseover=x>" not in html


def test_search_results_escape_markup_in_a_listing_name(client, make_listing):
    make_listing(name="<script>alert(1)</script>")
    html = content(client.get("/services/"))
    assert "<script>alert(1)</script>" not in html


# --- Areas ---------------------------------------------------------------------


def test_area_list_links_to_every_area(client, areas):
    html = content(client.get("/areas/"))
    assert {area.get_absolute_url() for area in areas.values()} <= set(hrefs(html))


def test_area_list_nests_each_area_inside_the_one_around_it(client, areas):
    html = content(client.get("/areas/"))
    found = re.findall(r'<li class="app-depth-(\d)"><a [^>]*>([^<]+)</a>', html)
    assert found == [
        ("0", "East Midlands"),
        ("1", "Derby and Derbyshire"),
        ("2", "Derby"),
        ("1", "Leicester, Leicestershire and Rutland"),
        ("2", "Leicester"),
        ("2", "Rutland"),
    ]


def test_area_page_responds(client, areas):
    assert client.get("/areas/leicester/").status_code == 200


def test_area_page_for_an_unknown_area_is_not_found(client, areas):
    assert client.get("/areas/atlantis/").status_code == 404


@pytest.mark.parametrize("covering", ["leicester", "llr", "region"])
def test_area_page_lists_services_covering_the_area_or_an_area_around_it(
    client, areas, make_listing, covering
):
    make_listing(name="Covering service", areas=[areas[covering]])
    assert "Covering service" in content(client.get("/areas/leicester/"))


@pytest.mark.parametrize("sibling", ["rutland", "derby", "derbyshire"])
def test_area_page_leaves_out_services_in_other_areas(client, areas, make_listing, sibling):
    make_listing(name="Elsewhere service", areas=[areas[sibling]])
    assert "Elsewhere service" not in content(client.get("/areas/leicester/"))


def test_area_page_leaves_out_unpublished_services(client, areas, make_listing):
    make_listing(name="Draft service", areas=[areas["leicester"]], status="draft")
    assert "Draft service" not in content(client.get("/areas/leicester/"))


def test_area_page_counts_every_service_for_people_in_the_area(client, areas, make_listing):
    make_listing(areas=[areas["region"]])
    make_listing(areas=[areas["llr"]])
    make_listing(areas=[areas["leicester"]])
    html = content(client.get("/areas/llr/"))
    assert "3 services for people in Leicester, Leicestershire and Rutland" in html


def test_area_page_lists_services_covering_only_part_of_it_as_such(client, areas, make_listing):
    make_listing(areas=[areas["llr"]])
    make_listing(name="Leicester only", areas=[areas["leicester"]])
    html = content(client.get("/areas/llr/"))
    assert "Leicester only" in html
    assert "Covers only Leicester" in html


def test_area_page_links_to_the_areas_inside_it(client, areas):
    html = content(client.get("/areas/llr/"))
    assert {"/areas/leicester/", "/areas/rutland/"} <= set(hrefs(html))


def test_area_page_without_services_says_none_covers_it(client, areas):
    html = content(client.get("/areas/rutland/"))
    assert "0 services for people in Rutland" in html
    assert "We don’t list a service for Rutland itself yet." in html


def test_area_page_paginates(client, settings, areas, make_listing):
    settings.DIRECTORY_PAGE_SIZE = 2
    for letter in "ABC":
        make_listing(name=f"Listing {letter}", areas=[areas["region"]])
    html = content(client.get("/areas/leicester/?page=2"))
    assert ">Listing C<" in html


# --- Information pages ---------------------------------------------------------


@pytest.mark.parametrize("slug, title", SEEDED_PAGES)
def test_each_information_page_shows_its_title_as_the_main_heading(client, slug, title):
    response = client.get(f"/information/{slug}/")
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-xl">{escape(title)}</h1>' in content(response)


def test_unpublished_information_page_is_not_found(client):
    Page.objects.filter(slug="privacy").update(published=False)
    assert client.get("/information/privacy/").status_code == 404


def test_unknown_information_page_is_not_found(client):
    assert client.get("/information/no-such-page/").status_code == 404


@pytest.mark.parametrize("slug", ["about-the-forum", "accessibility", "privacy"])
def test_footer_links_to_pages_shown_in_the_footer(client, slug):
    assert f"/information/{slug}/" in hrefs(footer(content(client.get("/"))))


def test_footer_leaves_out_pages_not_shown_in_the_footer(client):
    html = footer(content(client.get("/")))
    assert "/information/what-is-restorative-justice/" not in hrefs(html)


def test_footer_leaves_out_unpublished_pages(client):
    Page.objects.filter(slug="privacy").update(published=False)
    assert "/information/privacy/" not in hrefs(footer(content(client.get("/"))))


def test_footer_links_to_a_new_page_marked_for_the_footer(client):
    Page.objects.create(
        title="Contact us",
        slug="contact",
        summary="How to reach us.",
        body="Write.",
        show_in_footer=True,
    )
    assert "/information/contact/" in hrefs(footer(content(client.get("/"))))


# --- Errors --------------------------------------------------------------------


def test_unknown_address_is_not_found(client):
    assert client.get("/no/such/address/").status_code == 404


def test_not_found_page_says_page_not_found(client):
    assert "Page not found" in content(client.get("/no/such/address/"))


def test_not_found_page_links_to_the_search(client):
    assert "/services/" in hrefs(content(client.get("/no/such/address/")))


def test_not_found_page_uses_the_site_layout(client):
    html = content(client.get("/no/such/address/"))
    assert "East Midlands Restorative Justice Directory" in html
    assert "<footer" in html


def test_server_error_page_renders_without_a_request():
    html = get_template("500.html").render()
    assert "Sorry, there is a problem with the service</h1>" in html


# --- Cookies -------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "/",
        "/services/",
        "/services/?q=mediation&audience=people-harmed",
        "/services/?audience=nonsense",
        "/services/cookie-free-service/",
        "/areas/",
        "/areas/leicester/",
        "/information/",
        "/information/privacy/",
        "/no/such/address/",
    ],
)
def test_no_page_sets_a_cookie_for_an_anonymous_visitor(client, areas, make_listing, address):
    make_listing(slug="cookie-free-service", areas=[areas["leicester"]])
    response = client.get(address)
    assert response.status_code in {200, 400, 404}
    assert not response.cookies


def test_a_request_for_an_unknown_host_gets_the_friendly_400_page(client):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "Sorry, we could not understand that request" in response.content.decode()
