"""Free-text search over listings.

PostgreSQL gets real full-text search: a weighted vector (name above summary
above description) stored on each listing and GIN-indexed, English stemming,
results ranked by relevance. SQLite,
the zero-setup default, gets a simpler word match over the same fields with a
comparable ranking. Both understand the same few domain synonyms.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When

# Each group lists phrases that mean the same to someone looking for a service.
SYNONYMS = [
    {"mediation", "shuttle"},
    {"domestic violence", "domestic abuse"},
    {"young people", "youth", "young person"},
    {"letter", "letter writing"},
]

# PostgreSQL's English stop words (the Snowball list): both databases drop the
# same words, so a query of only such words behaves the same everywhere.
STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can did do does doing don down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own s same she should so some such t than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with you your yours yourself yourselves
    """.split()
)

WEIGHTS = {"name": ("A", 4), "summary": ("B", 2), "description": ("C", 1)}

_WORD = re.compile(r"[^\W_]+")


def parse(query):
    """Split a query into concepts: each a set of phrases any of which may match.

    Words are lower-cased, stop words dropped, and a word or two-word phrase
    that has synonyms becomes a concept with every phrase of its group.
    """
    words = [w for w in _WORD.findall(query.lower()) if w not in STOP_WORDS]
    concepts, i = [], 0
    while i < len(words):
        pair = " ".join(words[i : i + 2])
        group = _group_of(pair) if i + 1 < len(words) else None
        if group:
            concepts.append(group)
            i += 2
            continue
        concepts.append(_group_of(words[i]) or {words[i]})
        i += 1
    return concepts


def _group_of(phrase):
    for group in SYNONYMS:
        if phrase in group:
            return set(group)
    return None


def text_search(queryset, query):
    """Return ``queryset`` narrowed to listings matching ``query``, best first."""
    concepts = parse(query or "")
    if not concepts:
        return queryset
    if connection.vendor == "postgresql":
        return _postgres_search(queryset, concepts)
    return _simple_search(queryset, concepts)


def _postgres_search(queryset, concepts):
    """Match the stored, GIN-indexed document (see migration 0005 for its weights)."""
    query = None
    for concept in concepts:
        alternatives = None
        for phrase in sorted(concept):
            term = SearchQuery(phrase, search_type="phrase", config="english")
            alternatives = term if alternatives is None else alternatives | term
        query = alternatives if query is None else query & alternatives
    return (
        queryset.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "name")
    )


def _stem(word):
    """Strip a common English ending so "victims" finds "victim" and
    "families" finds "family"; crude, but SQLite has no stemmer."""
    for ending in ("ies", "es", "ing", "ed", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _simple_search(queryset, concepts):
    matches = Q()
    score = Value(0)
    for concept in concepts:
        phrases = {_stem(p) if " " not in p else p for p in concept}
        concept_match = Q()
        for field, (_, points) in WEIGHTS.items():
            in_field = Q()
            for phrase in phrases:
                in_field |= Q(**{f"{field}__icontains": phrase})
            concept_match |= in_field
            score = score + Case(
                When(in_field, then=Value(points)), default=Value(0), output_field=IntegerField()
            )
        matches &= concept_match
    return queryset.filter(matches).annotate(rank=score).order_by("-rank", "name")
