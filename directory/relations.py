"""Load listings' areas and vocabulary terms in one query, whatever the number of
relations, and fill Django's prefetch cache with them (so ``listing.areas.all()`` and
the rest need no query).

``prefetch_related`` makes a query per relation and builds every related row afresh; a
listing page shows twelve relations. Here one UNION ALL over the link tables gives the
ids, and the areas and terms themselves come from the process's per-version copies
(directory.per_version), in their models' order.
"""

from django.db.models import IntegerField, Value

from . import per_version
from .models import Listing

# What a listing card shows (templates/directory/_listing_card.html).
CARD_RELATIONS = ["audiences", "delivery_modes", "areas"]


def load(listings, names):
    """Fill each listing's prefetch cache for the relations ``names`` (areas and term
    fields of Listing); return the listings."""
    listings = list(listings)
    if not listings or not names:
        return listings
    ids = [listing.pk for listing in listings]
    queries = []
    for number, name in enumerate(names):
        relation = Listing._meta.get_field(name)
        through = relation.remote_field.through
        queries.append(
            through.objects.filter(**{f"{relation.m2m_field_name()}_id__in": ids})
            .annotate(relation=Value(number, output_field=IntegerField()))
            .values_list(
                "relation",
                f"{relation.m2m_field_name()}_id",
                f"{relation.m2m_reverse_field_name()}_id",
            )
        )
    rows = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    linked = {}
    for number, listing_id, related_id in rows:
        linked.setdefault((listing_id, number), []).append(related_id)

    areas = per_version.all_areas()
    terms = per_version.all_terms()
    # Their models' orders (Area: name; Term: vocabulary, position, name), as the lists are.
    ordered = {"areas": {a.pk: (i, a) for i, a in enumerate(areas)}}
    term_order = {t.pk: (i, t) for i, t in enumerate(terms)}
    for listing in listings:
        cache = getattr(listing, "_prefetched_objects_cache", None)
        if cache is None:
            cache = listing._prefetched_objects_cache = {}
        for number, name in enumerate(names):
            table = ordered.get(name, term_order)
            found = sorted(table[pk] for pk in linked.get((listing.pk, number), ()) if pk in table)
            queryset = getattr(listing, name).get_queryset()
            queryset._result_cache = [obj for _i, obj in found]
            queryset._prefetch_done = True
            cache[name] = queryset
    return listings
