"""A visitor finds services from where they live: a town, district or postcode.

These use the real East Midlands areas (fixtures/areas.json, with ONS codes)
and the committed ONS/GeoNames lookup, on whichever database the suite runs.
"""

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Area

pytestmark = pytest.mark.django_db

LLR_SERVICES = {
    "victim-first-restorative-justice",
    "probation-restorative-justice-dlnr",
    "leicestershire-police-street-restorative-justice",
    "leicestershire-police-facilitated-restorative-justice",
}


@pytest.fixture
def sample(db, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.FACET_CACHE_SECONDS = 0
    call_command("load_sample_data", verbosity=0)


def slugs(response):
    return {listing.slug for listing in response.context["page_obj"].paginator.object_list}


def query_of(response):
    return {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}


def test_a_town_finds_the_services_for_its_district_and_every_area_around_it(client, sample):
    response = client.get("/services/", {"where": "Loughborough"})
    assert response.status_code == 200
    found = slugs(response)
    assert LLR_SERVICES <= found
    assert "leicestershire-and-rutland-youth-justice-restorative-justice" in found
    assert "leicester-youth-justice-restorative-justice" not in found  # the city only
    assert "remedi-restorative-justice-derby-and-derbyshire" not in found
    assert "Loughborough is in Charnwood" in response.content.decode()


def test_the_area_chain_runs_from_district_to_region(sample):
    charnwood = Area.objects.with_parents().get(ons_code="E07000130")
    assert [a.name for a in charnwood.lineage()] == [
        "Charnwood",
        "Leicestershire",
        "Leicester, Leicestershire and Rutland",
        "East Midlands",
    ]


@pytest.mark.parametrize("typed", ["LE11 3TU", "le113tu", " Le11  3tu "])
def test_a_full_postcode_is_replaced_by_its_district_in_the_address(client, sample, typed):
    response = client.get("/services/", {"where": typed, "mode": "letter-writing"})
    assert response.status_code == 302
    assert query_of(response) == {"where": "Charnwood", "mode": "letter-writing"}
    assert "3TU" not in response["Location"].upper()


def test_a_postcode_typed_in_the_search_words_moves_to_where(client, sample):
    response = client.get("/services/", {"q": "LE11 3TU"})
    assert response.status_code == 302
    assert query_of(response) == {"where": "Charnwood"}


def test_a_place_among_the_search_words_moves_to_where(client, sample):
    response = client.get("/services/", {"q": "mediation in Loughborough"})
    assert response.status_code == 302
    assert query_of(response) == {"q": "mediation", "where": "Loughborough"}


def test_a_place_alone_in_the_search_words_becomes_the_where(client, sample):
    response = client.get("/services/", {"q": "Lincoln"})
    assert query_of(response) == {"where": "Lincoln"}


def test_search_words_without_a_place_are_left_alone(client, sample):
    response = client.get("/services/", {"q": "Victim First"})
    assert response.status_code == 200


def test_an_outward_code_spanning_districts_says_so_and_finds_services_for_all(client, sample):
    response = client.get("/services/", {"where": "NG9"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "NG9 covers Broxtowe and Nottingham" in html
    found = slugs(response)
    assert "victim-care-restorative-justice-nottinghamshire" in found
    # Probation's restorative justice is documented for Leicester, Leicestershire and
    # Rutland only.
    assert "probation-restorative-justice-dlnr" not in found


@pytest.mark.parametrize(
    "typed, district",
    [("NG7", "Nottingham"), ("DE22", "Derby"), ("Oakham", "Rutland"), ("Mansfield", "Mansfield")],
)
def test_outward_codes_and_towns_name_their_district(client, sample, typed, district):
    response = client.get("/services/", {"where": typed})
    assert response.status_code == 200
    assert response.context["where"].areas[0].name == district


def test_a_district_or_county_name_is_understood(client, sample):
    for typed, name in [("charnwood", "Charnwood"), ("East Lindsey", "East Lindsey")]:
        response = client.get("/services/", {"where": typed})
        assert response.context["where"].areas[0].name == name


def test_a_place_with_no_local_service_says_so_and_offers_national_help(client, sample):
    response = client.get("/services/", {"where": "Lincoln"})
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["no_local_service"]
    assert "We don’t list a service in Lincoln yet." in html
    assert "Help from national services" in html
    assert "Victim Support" in html


def test_a_place_outside_the_region_says_so_plainly(client, sample):
    response = client.get("/services/", {"where": "Manchester"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Manchester is outside the East Midlands" in html
    assert response.context["page_obj"].paginator.count == 0
    assert "Victim Support" in html


def test_a_postcode_outside_the_region_says_so_without_keeping_the_postcode(client, sample):
    response = client.get("/services/", {"where": "M1 1AE"})
    assert response.status_code == 302
    assert query_of(response) == {"where": "M1"}
    followed = client.get(response["Location"])
    assert "M1 is outside the East Midlands" in followed.content.decode()


def test_an_unknown_place_gets_a_clear_message_and_spelling_suggestions(client, sample):
    response = client.get("/services/", {"where": "Lougborough"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "We could not find “Lougborough”" in html
    names = [name for name, _ in response.context["where_suggestions"]]
    assert "Loughborough" in names
    assert "where=Loughborough" in html


@pytest.mark.parametrize(
    "typed",
    [
        "'; DROP TABLE directory_listing; --",
        "<script>alert(1)</script>",
        "\u0000\u0001",
        "Łódź",
        "🙂🙂",
        "ZZ99 9ZZ",
        "NG",
        "%",
        "x" * 100,
        "Lou*",
        '"NEAR"',
    ],
)
def test_hostile_or_odd_places_never_cause_a_server_error(client, sample, typed):
    response = client.get("/services/", {"where": typed})
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code in (200, 400)
    assert b"<script>alert(1)" not in response.content


def test_an_over_long_place_is_refused_with_a_message(client, sample):
    response = client.get("/services/", {"where": "x" * 101})
    assert response.status_code == 400
    assert "Where you live must be 100 characters or fewer." in response.content.decode()


def test_bytes_that_are_not_utf8_in_where_do_not_cause_a_server_error(client, sample):
    assert client.get("/services/?where=%ff%fe").status_code in (200, 400)


def test_a_full_postcode_is_never_logged(client, sample, caplog):
    caplog.set_level(logging.DEBUG)
    client.get("/services/", {"where": "LE11 3TU"})
    client.get("/services/", {"q": "mediation LE11 3TU"})
    client.get("/services/", {"where": "ZZ99 9ZZ"})
    logged = " ".join(record.getMessage().upper() for record in caplog.records)
    for postcode in ("LE11 3TU", "LE113TU", "ZZ99 9ZZ", "ZZ999ZZ"):
        assert postcode not in logged


def test_where_is_listed_as_an_active_filter_that_can_be_removed(client, sample):
    response = client.get("/services/", {"where": "Oakham", "mode": "letter-writing"})
    labels = dict(response.context["active_filters"])
    assert labels["Where: Oakham"] == "?mode=letter-writing"


def test_where_combines_with_search_words_and_filters(client, sample):
    response = client.get("/services/", {"where": "Loughborough", "q": "police"})
    found = slugs(response)
    assert found
    assert found <= LLR_SERVICES | {"leicestershire-and-rutland-youth-justice-restorative-justice"}


def test_a_place_search_makes_the_same_queries_with_more_districts(client, sample):
    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    url = "/services/?where=NG9&mode=letter-writing"
    count(url)  # finds nothing: the first one also makes that day's missed-search count
    before = count(url)
    county = Area.objects.get(slug="nottinghamshire")
    for n in range(20):
        Area.objects.create(
            name=f"Extra district {n}", slug=f"extra-{n}", kind="district", parent=county
        )
    count(url)  # the first search after a change builds the facet index
    assert count(url) == before


def test_a_place_with_a_bigger_namesake_elsewhere_says_which_one_it_shows(client, sample):
    response = client.get("/services/", {"where": "Preston"})
    html = response.content.decode()
    assert "Preston is in Rutland" in html
    assert "If you meant a different Preston, outside the East Midlands" in html
    assert (
        "If you meant a different"
        not in client.get("/services/", {"where": "Oakham"}).content.decode()
    )


def test_every_page_credits_the_place_data_as_its_licences_ask(client, sample):
    html = client.get("/services/", {"where": "Oakham"}).content.decode()
    assert "contains OS data © Crown copyright and database right 2025" in html
    assert "contains Royal Mail data © Royal Mail copyright and database right 2025" in html
    assert "Office for National Statistics" in html
    assert "Open Government Licence v3.0" in html
    assert "GeoNames" in html
