"""sitemap.xml and robots.txt: what search engines are told to read and to leave alone."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.models import Area, Listing
from pages.models import Page

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HOST = "http://testserver"


def sitemap_entries(client, **extra):
    """Return {address: lastmod or None} from the parsed sitemap."""
    response = client.get("/sitemap.xml", **extra)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{NS['sm']}}}urlset"
    entries = {}
    for url in root.findall("sm:url", NS):
        lastmod = url.find("sm:lastmod", NS)
        entries[url.find("sm:loc", NS).text] = lastmod.text if lastmod is not None else None
    return entries


@pytest.fixture
def listings(make_listing, areas):
    return {
        "published": make_listing(slug="published-one", areas=[areas["leicester"]]),
        "also_published": make_listing(slug="published-two", areas=[areas["derby"]]),
        "draft": make_listing(slug="a-draft", status=Listing.Status.DRAFT),
        "archived": make_listing(slug="an-archived-one", status=Listing.Status.ARCHIVED),
    }


def test_sitemap_is_xml_in_the_sitemaps_namespace(client, listings):
    response = client.get("/sitemap.xml")
    assert response["Content-Type"] == "application/xml"
    assert ET.fromstring(response.content).tag == f"{{{NS['sm']}}}urlset"


def test_sitemap_lists_exactly_the_published_listings(client, listings):
    entries = sitemap_entries(client)
    listed = {url for url in entries if url.startswith(f"{HOST}/services/") and url.count("/") > 4}
    assert listed == {
        f"{HOST}/services/published-one/",
        f"{HOST}/services/published-two/",
    }


def test_sitemap_leaves_out_drafts_and_archived_listings(client, listings):
    entries = sitemap_entries(client)
    assert not [url for url in entries if "a-draft" in url or "an-archived-one" in url]


def test_sitemap_gives_a_listings_last_update_as_its_lastmod(client, listings):
    listing = listings["published"]
    Listing.objects.filter(pk=listing.pk).update(updated="2025-03-04T12:00:00Z")
    entries = sitemap_entries(client)
    assert entries[f"{HOST}/services/published-one/"] == "2025-03-04"


def test_sitemap_lists_every_area(client, areas):
    entries = sitemap_entries(client)
    expected = {f"{HOST}/areas/{slug}/" for slug in Area.objects.values_list("slug", flat=True)}
    assert len(expected) == 6
    assert expected <= set(entries)


def test_sitemap_lists_the_published_information_pages_only(client):
    hidden = Page.objects.create(
        title="Hidden draft", slug="hidden-draft", summary="Not yet.", body="x", published=False
    )
    entries = sitemap_entries(client)
    published = Page.objects.published()
    assert published.exists()
    for page in published:
        updated = timezone.localdate(page.updated).isoformat()
        assert entries[f"{HOST}{page.get_absolute_url()}"] == updated
    assert f"{HOST}{hidden.get_absolute_url()}" not in entries


def test_sitemap_lists_home_search_areas_map_and_information_index(client):
    entries = sitemap_entries(client)
    for path in ["/", "/services/", "/areas/", "/areas/map/", "/information/"]:
        assert f"{HOST}{path}" in entries


def test_sitemap_lists_nothing_else(client, listings, areas):
    from hub.models import Briefing, Event, NewsItem

    entries = sitemap_entries(client)
    hub = 4 + sum(model.objects.live().count() for model in (NewsItem, Briefing, Event))
    expected = 5 + 2 + Area.objects.count() + Page.objects.published().count() + hub
    assert len(entries) == expected


def test_sitemap_addresses_use_the_address_the_site_was_asked_for(client, listings, settings):
    settings.ALLOWED_HOSTS = ["directory.example.org"]
    entries = sitemap_entries(client, secure=True, HTTP_HOST="directory.example.org")
    assert "https://directory.example.org/services/published-one/" in entries
    assert all(url.startswith("https://directory.example.org/") for url in entries)


def test_sitemap_sets_no_cookies(client, listings):
    assert client.get("/sitemap.xml").cookies == {}


def add_listings(make_listing, areas, count):
    for n in range(count):
        make_listing(areas=[areas["rutland"] if n % 2 else areas["llr"]])


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_sitemap_makes_the_same_number_of_queries_with_5_and_with_50_listings(
    client, make_listing, areas
):
    add_listings(make_listing, areas, 5)
    with_five = queries_for(client, "/sitemap.xml")
    add_listings(make_listing, areas, 45)
    assert queries_for(client, "/sitemap.xml") == with_five
    assert len(sitemap_entries(client)) > 50


# --- robots.txt ------------------------------------------------------------------


def robots_lines(client, **extra):
    response = client.get("/robots.txt", **extra)
    assert response.status_code == 200
    return response.content.decode().splitlines()


def test_robots_txt_is_plain_text(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.cookies == {}


def test_robots_txt_points_to_the_sitemap_by_its_absolute_address(client):
    assert f"Sitemap: {HOST}{reverse('sitemap')}" in robots_lines(client)


def test_robots_txt_sitemap_address_follows_https_and_the_host(client, settings):
    settings.ALLOWED_HOSTS = ["directory.example.org"]
    lines = robots_lines(client, secure=True, HTTP_HOST="directory.example.org")
    assert "Sitemap: https://directory.example.org/sitemap.xml" in lines


def test_robots_txt_keeps_every_crawler_out_of_the_admin_accounts_and_api(client):
    lines = robots_lines(client)
    assert lines[0] == "User-agent: *"
    disallowed = [line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow")]
    assert disallowed == ["/admin/", "/accounts/", "/api/"]


def test_robots_txt_leaves_the_report_forms_crawlable_so_their_noindex_is_seen(client):
    lines = robots_lines(client)
    assert not [line for line in lines if "report" in line]
    assert "Disallow: /" not in lines
    assert "Disallow: /services/" not in lines


def test_robots_txt_answers_only_get_and_head(client):
    assert client.head("/robots.txt").status_code == 200
    assert client.post("/robots.txt").status_code == 405
