"""What search engines and link previews read: canonical addresses, descriptions, Open
Graph, noindex and the listing's schema.org JSON-LD, all escaped for provider-typed text."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory import vocabularies
from directory.models import Organisation, Term
from directory.structured_data import json_ld_script
from pages.models import Page

pytestmark = pytest.mark.django_db

HOST = "http://testserver"
HOSTILE_NAME = 'Tom & Jerry\'s "Mediation" </script><script>alert(1)</script>'
HOSTILE_SUMMARY = 'Meetings for <b>people</b> & "families" </SCRIPT><!--'


class Head(HTMLParser):
    """The <meta>, <link> and <script> elements of a page, as a browser would read them."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.meta, self.links, self.scripts = {}, {}, []
        self._script = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            key = attrs.get("name") or attrs.get("property")
            assert key not in self.meta, f"two meta {key}"
            self.meta[key] = attrs["content"]
        elif tag == "link":
            self.links.setdefault(attrs["rel"], []).append(attrs["href"])
        elif tag == "script":
            self._script = {"attrs": attrs, "text": ""}
            self.scripts.append(self._script)

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    @property
    def canonical(self):
        found = self.links.get("canonical", [])
        assert len(found) <= 1
        return found[0] if found else None

    def json_ld(self):
        blocks = [s for s in self.scripts if s["attrs"].get("type") == "application/ld+json"]
        assert len(blocks) == 1
        return json.loads(blocks[0]["text"])


def head(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    return Head(response.content.decode())


@pytest.fixture
def listing(make_listing, make_organisation, areas):
    return make_listing(
        name="Alder Victim Conferencing",
        slug="alder",
        summary="Meetings between people harmed and people who caused harm.",
        organisation=make_organisation(
            name="Alder Council", kind=Organisation.Kind.STATUTORY, website="https://alder.example"
        ),
        audiences=["people-harmed", "families"],
        areas=[areas["leicester"], areas["rutland"]],
        contact_routes=[
            {"kind": "phone", "value": "0116 123 4567"},
            {"kind": "email", "value": "rj@alder.example"},
            {"kind": "website", "value": "https://alder.example/rj"},
        ],
        address="1 High Street\nLeicester",
    )


@pytest.fixture
def bare_listing(make_listing, make_organisation):
    """A listing with no contact details, website, areas or organisation website."""
    return make_listing(
        slug="bare",
        organisation=make_organisation(kind=Organisation.Kind.VOLUNTARY),
        audiences=(),
    )


@pytest.fixture
def hostile_listing(make_listing, make_organisation, areas):
    return make_listing(
        name=HOSTILE_NAME,
        slug="hostile",
        summary=HOSTILE_SUMMARY,
        organisation=make_organisation(name="Evil </script> & Co"),
        areas=[areas["derby"]],
        address="</script><script>alert(2)</script>",
    )


# --- Listing pages: JSON-LD ------------------------------------------------------------


def test_listing_json_ld_describes_the_service_and_its_organisation(client, listing):
    data = head(client, "/services/alder/").json_ld()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Service"
    assert data["name"] == "Alder Victim Conferencing"
    assert data["description"] == "Meetings between people harmed and people who caused harm."
    assert data["url"] == f"{HOST}/services/alder/"
    assert data["serviceType"] == "Restorative justice"
    assert data["provider"]["@type"] == "GovernmentOrganization"
    assert data["provider"]["name"] == "Alder Council"
    assert data["provider"]["url"] == "https://alder.example"


def test_listing_json_ld_names_the_areas_served_and_audiences(client, listing):
    data = head(client, "/services/alder/").json_ld()
    assert data["areaServed"] == [
        {"@type": "AdministrativeArea", "name": "Leicester"},
        {"@type": "AdministrativeArea", "name": "Rutland"},
    ]
    assert sorted(a["audienceType"] for a in data["audience"]) == ["Families", "People harmed"]


def test_listing_json_ld_gives_phone_and_email_as_the_providers_contact_point(client, listing):
    contact = head(client, "/services/alder/").json_ld()["provider"]["contactPoint"]
    assert contact == {
        "@type": "ContactPoint",
        "contactType": "Alder Victim Conferencing",
        "telephone": "0116 123 4567",
        "email": "rj@alder.example",
    }


def test_listing_json_ld_gives_website_and_address_as_the_service_channel(client, listing):
    channel = head(client, "/services/alder/").json_ld()["availableChannel"]
    assert channel == {
        "@type": "ServiceChannel",
        "serviceUrl": "https://alder.example/rj",
        "serviceLocation": {"@type": "Place", "address": "1 High Street\nLeicester"},
    }


def test_listing_json_ld_leaves_out_what_the_listing_does_not_have(client, bare_listing):
    data = head(client, "/services/bare/").json_ld()
    for missing in ["areaServed", "audience", "availableChannel"]:
        assert missing not in data
    assert data["provider"]["@type"] == "Organization"
    assert set(data["provider"]) == {"@type", "name"}
    # No empty value anywhere.
    assert not re.search(r':(""|\[\]|\{\}|null)', json.dumps(data, separators=(",", ":")))


def test_listing_json_ld_gives_only_the_contact_details_present(client, make_listing):
    make_listing(slug="phone-only", contact_routes=[{"kind": "phone", "value": "0115 000 0000"}])
    contact = head(client, "/services/phone-only/").json_ld()["provider"]["contactPoint"]
    assert contact["telephone"] == "0115 000 0000"
    assert "email" not in contact


def test_listing_json_ld_gives_the_organisations_shared_phone(
    client, make_listing, make_organisation
):
    organisation = make_organisation(contact_routes=[{"kind": "phone", "value": "0115 111 1111"}])
    make_listing(slug="shared", organisation=organisation)
    contact = head(client, "/services/shared/").json_ld()["provider"]["contactPoint"]
    assert contact["telephone"] == "0115 111 1111"


def test_listing_json_ld_leaves_out_routes_for_professionals(client, make_listing):
    make_listing(
        slug="professionals",
        contact_routes=[
            {"kind": "phone", "value": "0115 222 2222", "for": "professionals"},
            {"kind": "website", "value": "https://refer.example/", "for": "professionals"},
            {"kind": "email", "value": "public@example.org", "for": "public"},
        ],
    )
    data = head(client, "/services/professionals/").json_ld()
    assert data["provider"]["contactPoint"] == {
        "@type": "ContactPoint",
        "contactType": data["name"],
        "email": "public@example.org",
    }
    assert "availableChannel" not in data


def test_listing_json_ld_cannot_be_closed_by_a_providers_text(client, hostile_listing):
    html = client.get("/services/hostile/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block
    data = json.loads(block)
    assert data["name"] == HOSTILE_NAME
    assert data["description"] == HOSTILE_SUMMARY
    assert data["provider"]["name"] == "Evil </script> & Co"
    assert data["availableChannel"]["serviceLocation"]["address"] == (
        "</script><script>alert(2)</script>"
    )
    assert "<script>alert(" not in html


def test_json_ld_script_escapes_the_characters_that_could_end_the_element():
    html = json_ld_script({"text": "</script><!-- & >"})
    assert html == (
        '<script type="application/ld+json">'
        '{"text":"\\u003C/script\\u003E\\u003C!-- \\u0026 \\u003E"}</script>'
    )
    body = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(body) == {"text": "</script><!-- & >"}


def test_listing_page_makes_no_more_queries_for_more_areas_terms_and_routes(
    client, make_listing, areas
):
    make_listing(slug="few", areas=[areas["derby"]])
    many = make_listing(
        slug="many",
        audiences=["people-harmed", "people-who-caused-harm", "families"],
        areas=list(areas.values()),
        contact_routes=[
            {"kind": "phone", "value": "0115 000 0000"},
            {"kind": "email", "value": "a@example.org", "for": "professionals"},
        ],
    )
    for spec in vocabularies.TERM_FIELDS:
        getattr(many, spec.name).set(Term.objects.filter(vocabulary=spec.vocabulary))

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.get("/services/")  # the first page after a change reads the areas and terms
    assert count("/services/few/") == count("/services/many/") <= 4


# --- Listing pages: canonical, description, Open Graph -------------------------------


def test_listing_canonical_is_absolute_and_drops_the_query_string(client, listing):
    page = head(client, "/services/alder/?utm_source=newsletter&page=3")
    assert page.canonical == f"{HOST}/services/alder/"


def test_listing_description_and_open_graph_come_from_the_listing(client, listing):
    meta = head(client, "/services/alder/").meta
    summary = "Meetings between people harmed and people who caused harm."
    assert meta["description"] == summary
    assert meta["og:title"] == "Alder Victim Conferencing"
    assert meta["og:description"] == summary
    assert meta["og:type"] == "website"
    assert meta["og:url"] == f"{HOST}/services/alder/"


def test_listing_has_no_image_for_previews_to_fetch(client, listing):
    meta = head(client, "/services/alder/").meta
    assert not [key for key in meta if "image" in key]


def test_listing_meta_tags_are_escaped(client, hostile_listing):
    response = client.get("/services/hostile/")
    html = response.content.decode()
    meta = Head(html).meta
    # Read back as a browser reads attributes: exactly what the provider typed.
    assert meta["og:title"] == HOSTILE_NAME
    assert meta["og:description"] == HOSTILE_SUMMARY
    assert meta["description"] == HOSTILE_SUMMARY
    assert 'content="Meetings for &lt;b&gt;people&lt;/b&gt; &amp; &quot;families&quot;' in html
    assert "<b>people</b>" not in html


def test_listing_canonical_uses_https_and_the_requested_host(client, listing, settings):
    settings.ALLOWED_HOSTS = ["directory.example.org"]
    response = client.get("/services/alder/", secure=True, HTTP_HOST="directory.example.org")
    page = Head(response.content.decode())
    assert page.canonical == "https://directory.example.org/services/alder/"
    assert page.json_ld()["url"] == "https://directory.example.org/services/alder/"


# --- Other public pages ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/", "/"),
        ("/?utm_source=leaflet", "/"),
        ("/areas/", "/areas/"),
        ("/areas/leicester/", "/areas/leicester/"),
        ("/information/", "/information/"),
        ("/information/what-is-restorative-justice/", "/information/what-is-restorative-justice/"),
    ],
)
def test_public_page_is_its_own_canonical_page_with_open_graph(client, areas, url, canonical):
    page = head(client, url)
    assert page.canonical == f"{HOST}{canonical}"
    assert page.meta["og:url"] == page.canonical
    assert page.meta["og:description"] == page.meta["description"]
    assert page.meta["og:title"]
    assert "robots" not in page.meta


def test_information_page_description_is_its_summary(client):
    page = Page.objects.get(slug="what-is-restorative-justice")
    meta = head(client, page.get_absolute_url()).meta
    assert meta["description"] == page.summary
    assert meta["og:title"] == page.title


def test_information_index_has_its_own_description(client):
    assert "Plain-English information" in head(client, "/information/").meta["description"]


def test_area_page_description_names_the_area(client, areas):
    meta = head(client, "/areas/derby-and-derbyshire/").meta
    assert meta["description"] == "Restorative justice services covering Derby and Derbyshire."
    assert meta["og:title"] == "Services in Derby and Derbyshire"


def test_area_page_two_is_its_own_canonical_page(client, make_listing, areas, settings):
    settings.DIRECTORY_PAGE_SIZE = 1
    make_listing(areas=[areas["rutland"]])
    make_listing(areas=[areas["rutland"]])
    assert head(client, "/areas/rutland/?page=2").canonical == f"{HOST}/areas/rutland/?page=2"
    assert head(client, "/areas/rutland/?page=1").canonical == f"{HOST}/areas/rutland/"


def test_area_page_with_a_bad_page_number_has_no_canonical(client, areas):
    assert head(client, "/areas/rutland/?page=9", status=404).canonical is None


# --- Search ---------------------------------------------------------------------------


def test_plain_search_page_is_its_own_canonical_page(client, listing):
    page = head(client, "/services/")
    assert page.canonical == f"{HOST}/services/"
    assert "robots" not in page.meta


@pytest.mark.parametrize("query", ["?q=", "?you=pro", "?q=&area=&utm_source=x"])
def test_search_without_filters_canonicalises_to_the_plain_list(client, listing, query):
    assert head(client, f"/services/{query}").canonical == f"{HOST}/services/"


def test_search_results_page_two_is_its_own_canonical_page(client, make_listing, settings):
    settings.DIRECTORY_PAGE_SIZE = 1
    make_listing()
    make_listing()
    assert head(client, "/services/?page=2").canonical == f"{HOST}/services/?page=2"


@pytest.mark.parametrize(
    "query",
    ["?q=mediation", "?area=leicester", "?mode=letter-writing&page=1", "?organisation=x-y"],
)
def test_search_with_words_or_filters_is_noindex_without_canonical(
    client, listing, areas, make_organisation, query
):
    make_organisation(slug="x-y")
    page = head(client, f"/services/{query}")
    assert page.meta["robots"] == "noindex"
    assert page.canonical is None


def test_search_words_in_the_page_are_escaped(client, listing):
    response = client.get("/services/", {"q": '"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in response.content.decode()


# --- Pages not for search engines ----------------------------------------------------


def test_report_a_problem_pages_are_noindex_without_canonical(client, listing):
    for url in ["/services/alder/report/", "/services/alder/report/sent/"]:
        page = head(client, url)
        assert page.meta["robots"] == "noindex", url
        assert page.canonical is None, url


def test_report_form_with_errors_is_still_noindex(client, listing):
    response = client.post("/services/alder/report/", {"message": "", "email": "", "website": ""})
    assert response.status_code == 400
    assert Head(response.content.decode()).meta["robots"] == "noindex"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/no-such-page/", 404),
        ("/services/no-such-listing/", 404),
        ("/services/?area=nowhere", 400),
    ],
)
def test_error_pages_have_no_canonical(client, areas, url, status):
    assert head(client, url, status=status).canonical is None


def test_listing_pages_stay_free_of_cookies(client, listing):
    assert client.get("/services/alder/").cookies == {}
