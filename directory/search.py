"""Free-text search over listings, the same on SQLite and PostgreSQL.

A listing is found by the words of its name, summary and description, its
organisation's name, the names of its terms (who it is for, age groups, delivery
modes, settings, case types) and the names of the areas it covers. Migration 0007
keeps that document current with database triggers, so every way a row changes
is covered, and gives each database its own index of it:

- PostgreSQL: ``Listing.search_vector``, a GIN-indexed weighted tsvector (name A;
  summary, organisation and terms B; description C; areas D), English stemming,
  ranked by ts_rank.
- SQLite: the FTS5 table ``directory_listing_fts`` (whole words, Porter
  stemming, accents ignored), ranked by bm25() with ``SQLITE_WEIGHTS``.

Both read the query the same way (``parse``): words lower-cased, stop words
dropped, staff-edited synonyms (``SearchSynonym``) recognised, and each word or
phrase becoming a concept that any of its synonyms satisfies. Every concept must
match. Higher ``rank`` is better on both databases.
"""

import re
from functools import lru_cache

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection, models
from django.db.models import F, FloatField, Func, Lookup, Value

from sitecache.version import current_version_and

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

# A synonym phrase is at most this many words; longer typed runs are read greedily.
MAX_PHRASE_WORDS = 4

# bm25() weights, in the FTS5 table's column order (migration 0007). They follow
# PostgreSQL's default ts_rank weights for A, B, C and D (1, 0.4, 0.2, 0.1).
SQLITE_WEIGHTS = {
    "name": 10.0,
    "summary": 4.0,
    "description": 2.0,
    "organisation": 4.0,
    "terms": 4.0,
    "areas": 1.0,
}

_WORD = re.compile(r"[^\W_]+")
SYNONYMS_CACHE_KEY = "directory:search-synonyms"


def words_of(text):
    """Return the lower-cased words of ``text``; everything else is a separator."""
    return _WORD.findall(text.lower())


def normalise_phrase(text):
    """Return ``text`` as search reads it: lower-case words separated by one space."""
    return " ".join(words_of(text))


def _singular(word):
    # Synonyms are looked up with a plural-blind key so "victims" finds the group
    # of "victim"; the database's stemmer handles the text itself.
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _key(words):
    return tuple(_singular(word) for word in words)


def only_stop_words(phrase):
    """Return whether every word of ``phrase`` is one searches ignore."""
    return all(word in STOP_WORDS for word in phrase.split())


# --- Synonyms --------------------------------------------------------------


def synonym_index(groups):
    """Map each phrase's key to every phrase it may stand for.

    ``groups`` is an iterable of phrase lists; a phrase in two groups stands for
    both. Phrases of stop words alone are left out: they would match nothing.
    """
    index = {}
    for group in groups:
        phrases = {normalise_phrase(p) for p in group} - {""}
        phrases = {p for p in phrases if not only_stop_words(p)}
        for phrase in phrases:
            key = _key(phrase.split())
            index[key] = index.get(key, frozenset()) | phrases
    return index


@lru_cache(maxsize=4)
def _index_of(groups):
    return synonym_index(groups)


def load_synonyms():
    """Return the synonym index staff keep in the admin."""
    return _index_of(_vocabulary()[0])


def load_case_types():
    """Return {phrase: term id} for the complex and sensitive case types."""
    return dict(_vocabulary()[1])


def load_offence_types():
    """Return {singular phrase: term id} for the kinds of offence or harm."""
    return {singular(phrase): pk for phrase, pk in _vocabulary()[2]}


def singular(phrase):
    """Each word of ``phrase`` without a plain English plural ending, as near as needs be:
    "burglaries" and "burglary", "sexual offences" and "sexual offence" meet."""
    words = []
    for word in phrase.split():
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
        words.append(word)
    return " ".join(words)


def _vocabulary():
    """Return (synonym groups, case type and offence type names and ids), read together.

    Cached under the site's cache version, which every change to a SearchSynonym
    or a Term bumps, so a search costs one cache read and, after a change, two
    queries.
    """
    from .models import SearchSynonym, Term

    version, cached = current_version_and(SYNONYMS_CACHE_KEY)
    if cached is not None and cached[0] == version:
        return cached[1]
    groups = tuple(tuple(s.phrase_list()) for s in SearchSynonym.objects.all())
    named = {Term.Vocabulary.CASE_TYPE: [], Term.Vocabulary.OFFENCE_TYPE: []}
    for pk, vocabulary, name in Term.objects.filter(vocabulary__in=named).values_list(
        "pk", "vocabulary", "name"
    ):
        named[vocabulary].append((normalise_phrase(name), pk))
    entry = (
        groups,
        tuple(named[Term.Vocabulary.CASE_TYPE]),
        tuple(named[Term.Vocabulary.OFFENCE_TYPE]),
    )
    cache.set(SYNONYMS_CACHE_KEY, (version, entry), timeout=None)
    return entry


# --- Reading a query -------------------------------------------------------


def parse(query, synonyms=None):
    """Split a query into concepts: each a frozenset of phrases any of which may match.

    Synonym phrases are recognised first, on the words as typed (so "people who
    caused harm" is found although "who" is a stop word), longest first, up to
    ``MAX_PHRASE_WORDS`` words. Any other stop word is dropped; any other word is
    a concept of its own.
    """
    if synonyms is None:
        synonyms = load_synonyms()
    words = words_of(query or "")
    concepts, i = [], 0
    while i < len(words):
        for size in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            typed = words[i : i + size]
            group = synonyms.get(_key(typed))
            if group:
                phrase = " ".join(typed)
                concept = group | ({phrase} if not only_stop_words(phrase) else set())
                i += size
                break
        else:
            concept = None if words[i] in STOP_WORDS else frozenset({words[i]})
            i += 1
        if concept and concept not in concepts:
            concepts.append(frozenset(concept))
    return concepts


def text_search(queryset, query):
    """Return ``queryset`` narrowed to listings matching ``query``, best first.

    Annotates ``rank`` (higher is better). A query with no words to search for
    (empty, stop words, symbols) returns ``queryset`` unchanged, without ``rank``.
    """
    if not (query and words_of(query)):
        return queryset
    concepts = parse(query)
    if not concepts:
        return queryset
    queryset = _without_excluded_offences(queryset, concepts)
    queryset, concepts = _match_case_types(queryset, concepts)
    if not concepts:
        return queryset.annotate(rank=Value(1.0)).order_by("-rank", "name", "pk")
    if connection.vendor == "postgresql":
        queryset = _postgres_search(queryset, concepts)
    else:
        queryset = _sqlite_search(queryset, concepts)
    return queryset.order_by("-rank", "name", "pk")


def _match_case_types(queryset, concepts):
    """Match a concept naming a complex or sensitive case type by the term alone.

    A service takes such cases only if it ticks the term; its description may well
    say "not used for offences involving domestic violence", which a text match
    would find. So "domestic abuse" (or "DA") finds the services that take it.
    """
    terms = load_case_types()
    remaining = []
    for concept in concepts:
        named = [terms[phrase] for phrase in concept if phrase in terms]
        if named:
            queryset = queryset.with_related("case_types", named)
        else:
            remaining.append(concept)
    return queryset, remaining


def _without_excluded_offences(queryset, concepts):
    """Leave out services that say they do not take on an offence the query names.

    Their pages may well mention it ("we do not take burglary cases"), which a text
    match would find.
    """
    offences = load_offence_types()
    named = {
        offences[singular(phrase)]
        for concept in concepts
        for phrase in concept
        if singular(phrase) in offences
    }
    if not named:
        return queryset
    return queryset.exclude(
        pk__in=queryset.model.objects.with_related("excluded_offence_types", named).values("pk")
    )


# --- PostgreSQL ------------------------------------------------------------


def _postgres_search(queryset, concepts):
    """Match the stored, GIN-indexed document (see migration 0007 for its weights)."""
    query = None
    for concept in concepts:
        alternatives = None
        for phrase in sorted(concept):
            term = SearchQuery(phrase, search_type="phrase", config="english")
            alternatives = term if alternatives is None else alternatives | term
        query = alternatives if query is None else query & alternatives
    return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))


# --- SQLite ----------------------------------------------------------------


class FullTextField(models.TextField):
    """An FTS5 table's hidden column named after the table: ``__match`` searches it."""


@FullTextField.register_lookup
class FullTextMatch(Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class NegatedBm25(Func):
    """FTS5's bm25() of the matched row, negated so that higher is better."""

    function = "bm25"
    template = "-%(function)s(%(expressions)s)"
    output_field = FloatField()


def fts5_query(concepts):
    """Return the FTS5 query for ``concepts``: every phrase a quoted string.

    Inside double quotes FTS5 reads only tokens, never operators (AND, NEAR, *,
    ^, :, parentheses), so nothing a visitor types can change the query's shape.
    """
    return " AND ".join(
        "(" + " OR ".join(_quoted(phrase) for phrase in sorted(concept)) + ")"
        for concept in concepts
    )


def _quoted(phrase):
    return '"' + phrase.replace('"', '""') + '"'


def _sqlite_search(queryset, concepts):
    """Match the FTS5 table (see migration 0007) joined to the listings by rowid."""
    document = "search_index__document"
    return queryset.filter(**{f"{document}__match": fts5_query(concepts)}).annotate(
        rank=NegatedBm25(F(document), *[models.Value(w) for w in SQLITE_WEIGHTS.values()])
    )
