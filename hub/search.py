"""The site search's second section: news and briefings matching the search words.

The words are read as the service search reads them (directory.search.parse: stop
words dropped, staff-edited synonyms recognised), and every concept must appear in
the title, summary or text. The hub holds tens of items, not thousands, so a plain
case-insensitive match is quick on both databases and needs no search index.
Only live items are searched: never a draft or a scheduled item.
"""

from django.db.models import Case, IntegerField, Q, Value, When

from directory import search

from .models import Briefing, NewsItem

FIELDS = ["title", "summary", "body"]
SHOWN = 5


def _matching(queryset, concepts):
    """Items with every concept in their text, marked ``title_match`` when every
    concept is in the title, which then come first."""
    in_title = Q()
    for concept in concepts:
        anywhere, title = Q(), Q()
        for phrase in concept:
            title |= Q(title__icontains=phrase)
            for field in FIELDS:
                anywhere |= Q(**{f"{field}__icontains": phrase})
        queryset = queryset.filter(anywhere)
        in_title &= title
    return queryset.annotate(
        title_match=Case(
            When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    )


def find(query, *, shown=SHOWN):
    """Return (the first ``shown`` live news items and briefings matching ``query``,
    best first, and how many match in all)."""
    concepts = search.parse(query) if query and search.words_of(query) else []
    if not concepts:
        return [], 0
    found, total = [], 0
    for model in (NewsItem, Briefing):
        matching = _matching(model.objects.live(), concepts)
        total += matching.count()
        found += matching.order_by("-title_match", "-publish_at")[:shown]
    found.sort(key=lambda item: (-item.title_match, -item.publish_at.timestamp()))
    return found[:shown], total
