import pytest
from django.http import QueryDict

from directory import vocabularies
from directory.filters import ListingFilter, active_filters
from directory.models import Listing, Organisation, Term

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
    assert links["A charity or independent group"] == "?q=letters"


# --- Every vocabulary with a search parameter is a filter with a facet ------------------


def _with_terms(listing, field, vocabulary, *slugs):
    getattr(listing, field).set(Term.objects.filter(vocabulary=vocabulary, slug__in=slugs))
    return listing


def test_every_filtered_vocabulary_is_a_filter_and_a_facet_in_one_place(make_listing):
    filterset = filtered("")
    names = [f.name for f in filterset.facets()]
    for spec in vocabularies.FILTERED:
        assert spec.param in filterset.filters
        assert spec.param in names
        legend = next(f.legend for f in filterset.facets() if f.name == spec.param)
        assert legend == spec.legend


def test_the_offence_filter_finds_services_taking_that_offence_not_those_excluding_it(
    make_listing,
):
    takes = _with_terms(make_listing(), "offence_types", "offence_type", "burglary")
    excludes = _with_terms(make_listing(), "excluded_offence_types", "offence_type", "burglary")
    _with_terms(make_listing(), "offence_types", "offence_type", "fraud")
    assert results("offence=burglary") == {takes}
    assert excludes not in results("offence=burglary")
    counts = facet(filtered(""), "offence")
    assert counts["burglary"] == 1 and counts["fraud"] == 1 and counts["robbery"] == 0


def test_the_stage_filter_finds_services_for_someone_in_prison(make_listing):
    prison = _with_terms(make_listing(), "stages", "stage", "in-prison", "on-licence")
    _with_terms(make_listing(), "stages", "stage", "out-of-court")
    assert results("stage=in-prison") == {prison}
    assert facet(filtered("stage=in-prison"), "stage")["out-of-court"] == 1


def test_an_unknown_offence_or_stage_is_a_clear_error(make_listing):
    for query in ("offence=shoplifting-by-owls", "stage=next-tuesday"):
        filterset = ListingFilter(QueryDict(query), queryset=Listing.objects.published())
        assert not filterset.is_valid()
        assert "is not one of the choices" in str(filterset.form.errors)


def test_an_unknown_offence_in_the_address_is_a_400(client, make_listing):
    response = client.get("/services/?offence=shoplifting-by-owls")
    assert response.status_code == 400
    assert "is not one of the choices" in response.content.decode()
