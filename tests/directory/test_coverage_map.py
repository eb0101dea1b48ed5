"""The public coverage map: the committed outlines, figures that agree with the public
search, links for every area, a table saying the same, and clear 400s."""

import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.test import Client

from directory import coverage_map
from directory.filters import ListingFilter
from directory.models import Area, Listing, Term
from directory.places.build import DISTRICTS
from directory.places.map_build import POLICE_AREAS

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    call_command("loaddata", "areas", verbosity=0)
    call_command("generate_listings", "40", "--seed", "11", verbosity=0)
    assert Listing.objects.published().exists()


def search_count(area, audience=None):
    params = QueryDict(mutable=True)
    params["area"] = area.slug
    if audience is not None:
        params["audience"] = audience.slug
    filterset = ListingFilter(params, queryset=Listing.objects.published())
    assert filterset.is_valid(), filterset.form.errors
    return filterset.qs.count()


def test_the_committed_map_has_every_council_and_police_area():
    data = coverage_map.outlines()
    assert {entry["code"] for entry in data["districts"]} == set(DISTRICTS)
    assert {entry["code"] for entry in data["police_areas"]} == set(POLICE_AREAS)
    # Whole-unit moves and relative lines only: nothing a browser could fetch or run.
    path = re.compile(r"(M\d+ \d+l-?\d+(?:[ -]\d+)*z)+")
    for entry in data["districts"] + data["police_areas"]:
        assert path.fullmatch(entry["path"]), entry["code"]
        x, y = entry["label"]
        assert 0 <= x <= data["width"] and 0 <= y <= data["height"]
    # Small enough to send inline on a cheap phone's connection.
    assert len(json.dumps(data)) < 30_000


def test_every_area_on_the_map_is_one_of_the_directorys_areas():
    call_command("loaddata", "areas", verbosity=0)
    data = coverage_map.outlines()
    codes = set(Area.objects.exclude(ons_code="").values_list("ons_code", flat=True))
    for entry in data["districts"] + data["police_areas"]:
        assert entry["code"] in codes, entry["code"]


@pytest.mark.parametrize("level", list(coverage_map.LEVELS))
def test_every_figure_agrees_with_the_public_search(generated, level):
    audiences = [None, *coverage_map.audience_terms()]
    assert len(audiences) > 2
    seen = set()
    for audience in audiences:
        shapes = coverage_map.build(level, audience).shapes
        assert len(shapes) == (35 if level == "council" else 5)
        for shape in shapes:
            assert shape.count == search_count(shape.area, audience), (shape.area, audience)
            seen.add(shape.count == 0)
    assert seen == {True, False}  # the generated data has gaps and services to show


def test_counts_include_a_service_for_the_region_and_for_part_of_an_area():
    call_command("loaddata", "areas", verbosity=0)
    call_command("load_sample_data", verbosity=0)
    before = {s.area.slug: s.count for s in coverage_map.build("council").shapes}
    listing = Listing.objects.published().first()
    listing.areas.set([Area.objects.get(slug="east-midlands")])
    after = {s.area.slug: s.count for s in coverage_map.build("council").shapes}
    assert after["lincoln"] == before["lincoln"] + 1
    police = {s.area.slug: s.count for s in coverage_map.build("police").shapes}
    assert police["lincolnshire-police-area"] >= 1
    # A service for Charnwood only is available to someone choosing all of Leicestershire's
    # police area, as on the area's page.
    listing.areas.set([Area.objects.get(slug="charnwood")])
    police = {s.area.slug: s for s in coverage_map.build("police").shapes}
    assert police["leicester-leicestershire-and-rutland"].count == search_count(
        police["leicester-leicestershire-and-rutland"].area
    )


def test_the_committed_map_is_what_the_command_draws_from_the_packages():
    out = io.StringIO()
    call_command("build_coverage_map", "--check", stdout=out)
    assert "The committed map matches a fresh build." in out.getvalue()
    assert "35 council areas and 5 police areas" in out.getvalue()


def test_bands_match_the_key():
    assert [coverage_map.band(n) for n in (0, 1, 2, 3, 5, 6, 99)] == [0, 1, 1, 2, 2, 3, 3]


class MapParser(HTMLParser):
    """Collect the map's links (with their label and title) and any inline style."""

    def __init__(self):
        super().__init__()
        self.links, self.styles, self.sources, self.in_svg = [], [], [], False
        self._link = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs or tag == "style":
            self.styles.append(tag)
        for name in ("src", "xlink:href"):
            if name in attrs:
                self.sources.append(attrs[name])
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.sources.append(attrs["href"])
        if tag == "svg" and "app-map__svg" in attrs.get("class", ""):
            self.in_svg = True
        if self.in_svg and tag == "a":
            self._link = {"href": attrs["href"], "label": attrs.get("aria-label"), "title": ""}
        if self._link is not None and tag == "title":
            self._in_title = True
        if self._link is not None and tag == "path":
            self._link["class"] = attrs["class"]

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "a" and self._link is not None:
            self.links.append(self._link)
            self._link = None
        if tag == "svg":
            self.in_svg = False

    def handle_data(self, data):
        if self._in_title:
            self._link["title"] += data


def parse(response):
    parser = MapParser()
    parser.feed(response.content.decode())
    return parser


def test_the_map_page_links_every_council_area_to_its_page(generated):
    response = Client().get("/areas/map/")
    assert response.status_code == 200
    parser = parse(response)
    assert len(parser.links) == 35
    charnwood = Area.objects.get(slug="charnwood")
    link = next(link for link in parser.links if link["href"] == "/areas/charnwood/")
    count = search_count(charnwood)
    assert count > 1
    assert link["label"] == link["title"] == f"Charnwood: {count} services"
    assert f"app-map__area--band-{coverage_map.band(count)}" in link["class"]
    text = response.content.decode()
    # The table says it in words, with each gap named, and the key explains the shading.
    assert text.count('<th scope="row" class="govuk-table__header">') == 35
    assert "No service" in text and "6 or more services" in text
    assert "Thick lines are the borders of the five police areas" in text
    assert "Open Government Licence" in text


def test_nothing_on_the_map_page_comes_from_elsewhere_or_is_styled_inline(generated):
    parser = parse(Client().get("/areas/map/?show=police"))
    assert parser.styles == []
    assert all(source.startswith("/static/") for source in parser.sources), parser.sources


def test_the_police_area_map_and_one_kind_of_visitor(generated):
    audience = Term.objects.get(vocabulary="audience", slug="people-who-caused-harm")
    response = Client().get("/areas/map/?show=police&audience=people-who-caused-harm")
    assert response.status_code == 200
    parser = parse(response)
    assert len(parser.links) == 5
    area = Area.objects.get(slug="lincolnshire-police-area")
    link = next(link for link in parser.links if "lincolnshire-police-area" in link["href"])
    # For one kind of visitor each area links to the search for those services there.
    assert link["href"] == (
        "/services/?area=lincolnshire-police-area&audience=people-who-caused-harm"
    )
    words = coverage_map.count_text(search_count(area, audience))
    assert link["label"] == f"Lincolnshire police area: {words}"
    assert "services for people who caused harm" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("show=counties", "Choose council areas or police areas."),
        ("audience=martians", "Choose who the services are for from the list."),
    ],
)
def test_a_bad_choice_is_a_clear_400(generated, query, message):
    response = Client().get(f"/areas/map/?{query}")
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text and "<title>Error: " in text
    assert 'class="app-map__svg"' not in text


def test_the_map_page_takes_a_fixed_number_of_queries(generated, django_assert_max_num_queries):
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(8):
        assert Client().get("/areas/map/?audience=people-harmed").status_code == 200


def test_the_areas_page_links_to_the_map(generated):
    assert 'href="/areas/map/"' in Client().get("/areas/").content.decode()
