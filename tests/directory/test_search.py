"""Text search behaves the same way on SQLite and PostgreSQL (CI runs both)."""

import pytest

from directory.models import Listing
from directory.search import parse

pytestmark = pytest.mark.django_db


def search(query):
    return list(Listing.objects.search(query))


def test_parse_drops_stop_words_and_lower_cases():
    assert parse("The Victims") == [{"victims"}]


def test_parse_expands_a_two_word_synonym_into_one_concept():
    assert parse("domestic violence support") == [
        {"domestic violence", "domestic abuse"},
        {"support"},
    ]


def test_parse_ignores_punctuation_and_operators():
    assert parse("mediation & !youth:* | (x)") == [
        {"mediation", "shuttle"},
        {"youth", "young people", "young person"},
        {"x"},
    ]


def test_a_word_in_the_name_ranks_above_the_same_word_in_the_summary(make_listing):
    in_summary = make_listing(name="Aaa service", summary="Support after a burglary.")
    in_name = make_listing(name="Zzz burglary service", summary="Support for victims.")
    assert search("burglary") == [in_name, in_summary]


def test_a_word_in_the_summary_ranks_above_the_same_word_in_the_description(make_listing):
    in_description = make_listing(
        name="Aaa service", summary="Support.", description="We help after a burglary."
    )
    in_summary = make_listing(name="Zzz service", summary="Support after a burglary.")
    assert search("burglary") == [in_summary, in_description]


def test_search_only_returns_listings_containing_every_word(make_listing):
    both = make_listing(summary="Letters for young victims of burglary.")
    make_listing(summary="Letters for victims of robbery.")
    assert search("burglary letters") == [both]


def test_search_matches_plural_and_singular_forms(make_listing):
    listing = make_listing(summary="Support for every victim of crime.")
    assert search("victims") == [listing]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("mediation", "A facilitator runs shuttle meetings."),
        ("shuttle", "We offer mediation between neighbours."),
        ("domestic violence", "Specialist help after domestic abuse."),
        ("domestic abuse", "Specialist help after domestic violence."),
        ("young people", "A service for youth aged 10 to 17."),
        ("youth", "A service for young people aged 10 to 17."),
        ("letter writing", "You can send a letter to the person you harmed."),
        ("letter", "We support letter writing."),
    ],
)
def test_search_understands_domain_synonyms(make_listing, query, text):
    listing = make_listing(summary="A restorative service.", description=text)
    make_listing(summary="Something unrelated.", description="Nothing to see here.")
    assert search(query) == [listing]


def test_a_query_of_only_stop_words_leaves_the_list_unfiltered(make_listing):
    make_listing()
    make_listing()
    assert len(search("the and of")) == 2


def test_search_treats_query_operators_as_plain_text(make_listing):
    listing = make_listing(summary="Mediation for neighbours.")
    assert search("mediation & | ! :* ( ) ' \"") == [listing]


@pytest.mark.parametrize("word", ["about", "very", "other", "don't"])
def test_words_postgresql_ignores_are_ignored_on_every_database(make_listing, word):
    make_listing(name="Mediation about very other things")
    make_listing()
    assert len(search(word)) == 2
    assert len(search(f"mediation {word}")) == 1
