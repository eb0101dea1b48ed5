import pytest
from django.http import QueryDict

from directory.filters import ListingFilter, active_filters
from directory.models import Listing, Organisation

pytestmark = pytest.mark.django_db


def filtered(query):
    filterset = ListingFilter(QueryDict(query), queryset=Listing.objects.published())
    assert filterset.is_valid(), filterset.form.errors
    return filterset


def results(query):
    return set(filtered(query).qs)


def facet(filterset, name):
    return {o.value: o.count for f in filterset.facets() if f.name == name for o in f.options}


def test_area_filter_includes_services_covering_the_area_around_it(areas, make_listing):
    llr = make_listing(areas=[areas["llr"]])
    make_listing(areas=[areas["derby"]])
    assert results("area=rutland") == {llr}


def test_values_within_one_filter_combine_with_or(areas, make_listing):
    rutland = make_listing(areas=[areas["rutland"]])
    derby = make_listing(areas=[areas["derby"]])
    make_listing(areas=[areas["leicester"]])
    assert results("area=rutland&area=derby") == {rutland, derby}


def test_different_filters_combine_with_and(areas, make_listing):
    wanted = make_listing(areas=[areas["rutland"]], modes=["letter-writing"])
    make_listing(areas=[areas["rutland"]], modes=["video-or-phone"])
    make_listing(areas=[areas["derby"]], modes=["letter-writing"])
    assert results("area=rutland&mode=letter-writing") == {wanted}


@pytest.mark.parametrize(
    ("param", "field", "wanted", "other"),
    [
        ("audience", "audiences", "people-who-caused-harm", "people-harmed"),
        ("mode", "modes", "shuttle-mediation", "letter-writing"),
        ("age", "age_groups", "children-and-young-people", "adults"),
        ("setting", "settings", "schools", "prisons"),
        ("cases", "cases", "domestic-abuse", "hate-crime"),
    ],
)
def test_each_vocabulary_filter_keeps_only_matching_listings(
    make_listing, param, field, wanted, other
):
    match = make_listing(**{field: [wanted]})
    make_listing(**{field: [other]})
    assert results(f"{param}={wanted}") == {match}


def test_organisation_kind_filter(make_listing, make_organisation):
    charity = make_listing(organisation=make_organisation(kind=Organisation.Kind.VOLUNTARY))
    make_listing(organisation=make_organisation(kind=Organisation.Kind.STATUTORY))
    assert results("kind=voluntary") == {charity}


def test_self_referral_filter(make_listing):
    direct = make_listing(self_referral=True)
    make_listing(self_referral=False)
    assert results("self_referral=yes") == {direct}


def test_organisation_filter_by_slug(make_listing, make_organisation):
    organisation = make_organisation(slug="victim-first")
    mine = make_listing(organisation=organisation)
    make_listing()
    assert results("organisation=victim-first") == {mine}


def test_text_and_filters_combine(areas, make_listing):
    wanted = make_listing(summary="Shuttle mediation.", areas=[areas["rutland"]])
    make_listing(summary="Shuttle mediation.", areas=[areas["derby"]])
    make_listing(summary="Letters.", areas=[areas["rutland"]])
    assert results("q=mediation&area=rutland") == {wanted}


def test_no_filter_returns_every_published_listing(make_listing):
    make_listing()
    make_listing()
    make_listing(status=Listing.Status.DRAFT)
    assert len(results("")) == 2


def test_facet_counts_ignore_their_own_filter_but_apply_the_others(areas, make_listing):
    make_listing(areas=[areas["rutland"]], modes=["letter-writing"])
    make_listing(areas=[areas["rutland"]], modes=["video-or-phone"])
    make_listing(areas=[areas["derby"]], modes=["letter-writing"])
    counts = facet(filtered("area=rutland&mode=letter-writing"), "mode")
    assert counts["letter-writing"] == 1
    assert counts["video-or-phone"] == 1
    assert counts["shuttle-mediation"] == 0


def test_area_facet_counts_services_covering_the_larger_area(areas, make_listing):
    make_listing(areas=[areas["llr"]])
    make_listing(areas=[areas["rutland"]])
    # Covering Rutland twice over (itself and the area around it) still counts once.
    make_listing(areas=[areas["llr"], areas["rutland"]])
    make_listing(areas=[areas["rutland"]], status=Listing.Status.DRAFT)
    counts = facet(filtered(""), "area")
    assert counts["rutland"] == 3
    assert counts["leicester"] == 2
    # Someone in the police area can use the Rutland-only service too.
    assert counts["llr"] == 3
    assert counts["derby"] == 0


def test_kind_and_self_referral_facets_count_published_listings(make_listing, make_organisation):
    make_listing(organisation=make_organisation(kind="commissioned"), self_referral=True)
    make_listing(organisation=make_organisation(kind="commissioned"))
    make_listing(status=Listing.Status.DRAFT, self_referral=True)
    filterset = filtered("")
    assert facet(filterset, "kind")["commissioned"] == 2
    assert facet(filterset, "self_referral") == {"yes": 1}


def test_facets_mark_the_chosen_options(make_listing):
    make_listing()
    facets = {f.name: f for f in filtered("audience=families").facets()}
    checked = [o.value for o in facets["audience"].options if o.checked]
    assert checked == ["families"]
    assert facets["audience"].any_checked
    assert not facets["mode"].any_checked


def test_active_filters_link_to_the_search_without_that_one_value(areas, make_listing):
    params = QueryDict("area=rutland&area=derby&mode=letter-writing&page=2")
    links = dict(active_filters(filtered(params.urlencode()), params))
    assert links["Rutland"] == "?area=derby&mode=letter-writing"
    assert links["Letter writing"] == "?area=rutland&area=derby"


def test_active_filters_include_the_search_words(make_listing):
    params = QueryDict("q=letters&kind=voluntary")
    links = dict(active_filters(filtered(params.urlencode()), params))
    assert links["Search: “letters”"] == "?kind=voluntary"
    assert links["Voluntary or independent"] == "?q=letters"
