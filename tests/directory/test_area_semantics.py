"""Searching an area shows every service someone living there can use."""

import pytest
from django.http import QueryDict

from directory.filters import ListingFilter
from directory.models import Area, Listing

pytestmark = pytest.mark.django_db


def filtered(query):
    filterset = ListingFilter(QueryDict(query), queryset=Listing.objects.published())
    assert filterset.is_valid(), filterset.form.errors
    return filterset


def names(query):
    return [listing.name for listing in filtered(query).qs]


def area_counts(query=""):
    return {
        option.value: option.count
        for facet in filtered(query).facets()
        if facet.name == "area"
        for option in facet.options
    }


@pytest.fixture
def tree(areas):
    """The conftest tree plus a county with a district: LLR → Leicestershire → Charnwood."""
    county = Area.objects.create(
        name="Leicestershire", slug="leicestershire", kind="local_authority", parent=areas["llr"]
    )
    district = Area.objects.create(
        name="Charnwood", slug="charnwood", kind="district", parent=county
    )
    return {**areas, "leicestershire": county, "charnwood": district}


def test_a_police_area_includes_services_covering_only_part_of_it(tree, make_listing):
    make_listing(name="Leicester only", areas=[tree["leicester"]])
    make_listing(name="Whole police area", areas=[tree["llr"]])
    make_listing(name="Derby only", areas=[tree["derby"]])
    assert set(names("area=llr")) == {"Leicester only", "Whole police area"}


def test_a_parent_area_never_finds_fewer_services_than_an_area_inside_it(tree, make_listing):
    make_listing(areas=[tree["charnwood"]])
    make_listing(areas=[tree["leicester"]])
    make_listing(areas=[tree["leicestershire"]])
    make_listing(areas=[tree["region"]])
    make_listing(areas=[tree["derby"]])
    for area in Area.objects.with_parents():
        for ancestor in area.ancestors():
            assert len(names(f"area={ancestor.slug}")) >= len(names(f"area={area.slug}"))


def test_area_facet_counts_agree_with_what_choosing_the_area_shows(tree, make_listing):
    make_listing(areas=[tree["charnwood"]], modes=["letter-writing"])
    make_listing(areas=[tree["leicester"]])
    make_listing(areas=[tree["llr"], tree["rutland"]], modes=["letter-writing"])
    make_listing(areas=[tree["region"]])
    make_listing(areas=[tree["derby"]], modes=["letter-writing"])
    for query in ("", "mode=letter-writing"):
        counts = area_counts(query)
        for slug, count in counts.items():
            joined = f"{query}&area={slug}" if query else f"area={slug}"
            assert len(names(joined)) == count, (query, slug)


def test_area_facet_parent_counts_are_never_below_their_childrens(tree, make_listing):
    make_listing(areas=[tree["leicester"]])
    make_listing(areas=[tree["rutland"]])
    make_listing(areas=[tree["derby"]])
    counts = area_counts("area=charnwood")  # opens Leicestershire's districts too
    assert counts["llr"] == 2
    assert counts["leicester"] == 1
    for area in Area.objects.with_parents():
        if area.slug in counts and area.parent and area.parent.slug in counts:
            assert counts[area.parent.slug] >= counts[area.slug], area


def test_districts_are_offered_as_filters_only_inside_a_chosen_county(tree, make_listing):
    make_listing(areas=[tree["charnwood"]])
    assert "charnwood" not in area_counts()
    assert area_counts("area=leicestershire")["charnwood"] == 1


def test_services_for_the_place_itself_come_before_region_wide_ones(tree, make_listing):
    make_listing(name="A region-wide service", areas=[tree["region"]])
    make_listing(name="B police-area service", areas=[tree["llr"]])
    make_listing(name="C county service", areas=[tree["leicestershire"]])
    make_listing(name="D district service", areas=[tree["charnwood"]])
    make_listing(name="E another district service", areas=[tree["charnwood"]])
    assert names("area=charnwood") == [
        "D district service",
        "E another district service",
        "C county service",
        "B police-area service",
        "A region-wide service",
    ]


def test_services_covering_only_part_of_the_area_come_after_the_whole_area(tree, make_listing):
    make_listing(name="A Leicester only", areas=[tree["leicester"]])
    make_listing(name="B whole police area", areas=[tree["llr"]])
    make_listing(name="C region-wide", areas=[tree["region"]])
    assert names("area=llr") == ["B whole police area", "C region-wide", "A Leicester only"]


def test_results_without_an_area_are_ordered_by_name_whatever_the_insertion_order(
    make_listing, areas
):
    for name in ("Charlie", "alpha", "Bravo"):
        make_listing(name=name, areas=[areas["region"]])
    assert [n.lower() for n in names("")] == ["alpha", "bravo", "charlie"]


def test_search_page_marks_services_covering_only_part_of_the_area(client, tree, make_listing):
    make_listing(name="Leicester only", areas=[tree["leicester"]])
    make_listing(name="Whole police area", areas=[tree["llr"]])
    response = client.get("/services/?area=llr")
    page = {listing.name: listing for listing in response.context["page_obj"]}
    assert page["Leicester only"].covers_only == ["Leicester"]
    assert page["Whole police area"].covers_only == []
    assert "Covers only Leicester" in response.content.decode()


def test_area_page_lists_services_for_part_of_the_area_and_marks_them(client, tree, make_listing):
    make_listing(name="Leicester only", areas=[tree["leicester"]])
    make_listing(name="Whole police area", areas=[tree["llr"]])
    response = client.get("/areas/llr/")
    listed = [listing.name for listing in response.context["page_obj"]]
    assert listed == ["Whole police area", "Leicester only"]
    assert "Covers only Leicester" in response.content.decode()
    assert response.context["total"] == 2


def test_area_page_of_a_district_lists_its_county_and_police_area_services(
    client, tree, make_listing
):
    make_listing(name="County", areas=[tree["leicestershire"]])
    make_listing(name="Police area", areas=[tree["llr"]])
    make_listing(name="Leicester", areas=[tree["leicester"]])
    response = client.get("/areas/charnwood/")
    assert [listing.name for listing in response.context["page_obj"]] == ["County", "Police area"]
    assert not response.context["no_local_service"]


def test_a_place_with_only_region_wide_services_says_it_has_no_local_service(
    client, areas, make_listing
):
    make_listing(name="Region-wide", areas=[areas["region"]])
    make_listing(name="Leicester", areas=[areas["leicester"]])
    response = client.get("/services/?area=derby")
    assert response.context["no_local_service"]
    assert "We don’t list a service in Derby yet." in response.content.decode()
    assert "Help from national services" in response.content.decode()
    area_page = client.get("/areas/derby/")
    assert area_page.context["no_local_service"]
    assert "We don’t list a service for Derby itself yet." in area_page.content.decode()
    assert "Help from national services" in area_page.content.decode()


def test_no_local_service_message_says_for_this_when_other_filters_narrow_it(
    client, areas, make_listing
):
    make_listing(areas=[areas["derby"]], modes=["letter-writing"])
    response = client.get("/services/?area=derby&mode=video-or-phone")
    assert "We don’t list a service in Derby for this yet." in response.content.decode()


def test_a_place_with_a_local_service_does_not_say_it_has_none(client, areas, make_listing):
    make_listing(areas=[areas["derby"]])
    response = client.get("/services/?area=derby")
    assert not response.context["no_local_service"]
    assert "We don’t list a service" not in response.content.decode()
