"""Which published listings carry which area, term, kind of organisation and organisation,
held in memory as bitsets, so a search's facet counts and its page of results are
intersections rather than queries.

Listing ``i`` is bit ``i`` of every set, and listings are numbered in the order the search
lists them by name (case-blind name, then id, as the database sorts them), so the set bits
of a result, lowest first, are already in name order. With 50,000 listings a set is an
integer of 50,000 bits (6 kB); ANDing two and counting the bits takes microseconds.

The index is built from a few queries whenever the site's cache version changes (any edit
anyone can see bumps it, sitecache.version) and shared between processes through the cache;
each process also keeps the one it last used, so a request normally only reads the version.
While the cache is not answering there is no version, and each search builds its own.
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models.functions import Lower

from sitecache.version import current_version, current_version_and

from . import per_version, relations, vocabularies
from .models import Listing, closeness_levels, descendant_ids

KEY = "directory:facet-index"
# The index of 50,000 listings pickles to about 1 MB: kept a day at most, and rebuilt at
# once after any change (a new version).
TIMEOUT = 24 * 60 * 60

_local = {}  # {"version": ..., "index": ...}: the last index this process used


def _bits(positions, size):
    """An integer with the given bit positions set."""
    raw = bytearray((size + 8) // 8)
    for position in positions:
        raw[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(raw, "little")


_BYTE_COUNTS = [bin(byte).count("1") for byte in range(256)]


def positions_of(bits, start=0, stop=None):
    """The positions of the set bits, lowest first: the ``start``-th to before the
    ``stop``-th of them (all by default)."""
    found, seen = [], 0
    raw = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    # Runs of non-zero bytes, found in C: a sparse set skips its empty stretches at once.
    for run in _NONZERO.finditer(raw):
        for byte_number in range(run.start(), run.end()):
            byte = raw[byte_number]
            if seen + _BYTE_COUNTS[byte] <= start:
                seen += _BYTE_COUNTS[byte]
                continue
            while byte:
                low = byte & -byte
                if seen >= start:
                    if stop is not None and seen >= stop:
                        return found
                    found.append(byte_number * 8 + low.bit_length() - 1)
                seen += 1
                byte ^= low
            if stop is not None and seen >= stop:
                return found
    return found


_NONZERO = re.compile(rb"[^\x00]+")


@dataclass
class FacetIndex:
    ids: list  # position -> listing pk, in name order
    everything: int = 0
    linked: dict = field(default_factory=dict)  # area pk -> listings linked to it
    available: dict = field(default_factory=dict)  # area pk -> listings available there
    terms: dict = field(default_factory=dict)  # term pk -> listings with it
    kinds: dict = field(default_factory=dict)  # organisation kind -> listings
    organisations: dict = field(default_factory=dict)  # organisation pk -> listings
    self_referral: int = 0

    def __post_init__(self):
        self.position = {pk: i for i, pk in enumerate(self.ids)}

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["position"]  # rebuilt on load: smaller to send through the cache
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__post_init__()

    def of_pks(self, pks):
        return _bits((self.position[pk] for pk in pks if pk in self.position), len(self.ids))

    def in_areas(self, areas):
        """Listings available to someone in any of ``areas`` (ListingQuerySet.in_areas)."""
        result = 0
        for area in areas:
            result |= self.available.get(area.pk, 0)
        return result

    def with_any(self, table, keys):
        result = 0
        for key in keys:
            result |= table.get(key, 0)
        return result

    def closeness_groups(self, areas):
        """The listings in the order of ListingQuerySet.by_closeness: one set per level
        (services for the place, then each larger area around it, then the rest)."""
        groups, taken = [], 0
        for ids in closeness_levels(areas):
            group = self.with_any(self.linked, ids) & ~taken
            groups.append(group)
            taken |= group
        groups.append(self.everything & ~taken)
        return groups


def build():
    """Build the index from the database: a query for the listings and one per relation."""
    published = Listing.objects.published()
    rows = list(
        published.order_by(Lower("name"), "pk").values_list(
            "pk", "organisation_id", "organisation__kind", "self_referral"
        )
    )
    index = FacetIndex(ids=[row[0] for row in rows])
    size, position = len(rows), index.position
    index.everything = (1 << size) - 1

    def grouped(pairs):
        found = {}
        for pk, key in pairs:
            found.setdefault(key, []).append(position[pk])
        return {key: _bits(positions, size) for key, positions in found.items()}

    index.organisations = grouped((pk, org) for pk, org, _kind, _self in rows)
    index.kinds = grouped((pk, kind) for pk, _org, kind, _self in rows)
    index.self_referral = _bits((position[pk] for pk, *_rest, own in rows if own), size)
    area_links = Listing.areas.through.objects.filter(listing__in=published)
    index.linked = grouped(area_links.values_list("listing_id", "area_id"))
    areas = per_version.all_areas()
    for area in areas:
        around = {a.pk for a in area.lineage()}
        index.available[area.pk] = index.with_any(
            index.linked, around | descendant_ids([area], areas)
        )
    for spec in vocabularies.FILTERED:
        relation = Listing._meta.get_field(spec.name)
        through = relation.remote_field.through
        pairs = through.objects.filter(listing__in=published).values_list(
            relation.m2m_field_name() + "_id", relation.m2m_reverse_field_name() + "_id"
        )
        for term, bits in grouped(pairs).items():
            index.terms[term] = index.terms.get(term, 0) | bits
    return index


def current():
    """The index for the site's current version: this process's, the cache's, or new."""
    version = current_version()
    if version is not None and _local.get("version") == version:
        return _local["index"]
    version, stored = current_version_and(KEY)
    if stored is not None and stored[0] == version:
        index = stored[1]
    else:
        index = build()
        if version is not None:
            cache.set(KEY, (version, index), TIMEOUT)
    if version is not None:
        _local.update(version=version, index=index)
    return index


class Results:
    """A search's results from the index, in the search's order, for a Paginator: the
    count is a bit count, and a page's listings are fetched by id (one query, plus the
    cards' prefetches)."""

    def __init__(self, index, matched, queryset, *, ranks=None, chosen=()):
        self.index, self.matched, self.queryset = index, matched, queryset
        self.ranks, self.chosen = ranks, list(chosen)
        self._count = matched.bit_count()
        self._ordered = None

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def linked_to_any(self, area_ids):
        """Whether any result is linked to one of ``area_ids`` itself."""
        return bool(self.matched & self.index.with_any(self.index.linked, area_ids))

    def _groups(self):
        if not self.chosen:
            return [self.matched]
        return [self.matched & group for group in self.index.closeness_groups(self.chosen)]

    def _positions(self, start, stop):
        if self.ranks is not None:
            if self._ordered is None:
                self._ordered = self._by_rank()
            return self._ordered[start:stop]
        found = []
        for group in self._groups():
            size = group.bit_count()
            if start >= size:
                start, stop = start - size, stop - size
                continue
            found.extend(positions_of(group, start, stop))
            start, stop = 0, stop - size
            if stop <= 0:
                break
        return found

    def _by_rank(self):
        """Best match first, then closeness, then name (the position)."""
        level = {}
        for distance, group in enumerate(self._groups()):
            for position in positions_of(group):
                level[position] = distance
        ranks = self.ranks
        return sorted(level, key=lambda p: (-ranks[p], level[p], p))

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        start, stop, _step = key.indices(self._count)
        pks = [self.index.ids[p] for p in self._positions(start, stop)]
        if not pks:
            return []
        found = {listing.pk: listing for listing in self.queryset.filter(pk__in=pks)}
        listings = [found[pk] for pk in pks if pk in found]
        return relations.load(listings, relations.CARD_RELATIONS)


# The listings some search words find, per site version: the same words come back with
# every other filter and page, and finding a common word among 50,000 listings takes the
# database tens of milliseconds. Each process also keeps the last few it used.
TEXT_KEY = "directory:text-matches:"
TEXT_KEPT = 64
_text_local = {}  # (version, words) -> (bits, ranks), oldest first


def text_matches(index, queryset, words):
    """(the listings ``words`` find, their ranks by position or None), or None when the
    words search for nothing (stop words, symbols). ``queryset`` is the published
    listings, as the search's filterset has them."""
    version = current_version()
    local_key = (version, words.strip().lower())
    if version is not None and local_key in _text_local:
        return _text_local[local_key]
    key = TEXT_KEY + hashlib.sha256(local_key[1].encode()).hexdigest()
    stored = cache.get(key) if version is not None else None
    if stored is not None and stored[0] == version:
        found = stored[1]
    else:
        found = _find_text(index, queryset, words)
        if version is not None:
            cache.set(key, (version, found), TIMEOUT)
    if version is not None:
        _text_local[local_key] = found
        while len(_text_local) > TEXT_KEPT:
            del _text_local[next(iter(_text_local))]
    return found


def _find_text(index, queryset, words):
    matches = queryset.search(words)
    if matches is queryset:
        return None  # nothing to search for
    # Kept in the search's order: without it SQLite matches the text once per listing
    # rather than reading the full-text index once (5 s, not 5 ms, at 5,000 listings).
    position = index.position
    if "rank" in matches.query.annotations:
        ranks = {
            position[pk]: rank for pk, rank in matches.values_list("pk", "rank") if pk in position
        }
        return _bits(ranks, len(index.ids)), ranks
    return index.of_pks(matches.values_list("pk", flat=True)), None


def forget_text(words):
    """Drop what is kept for ``words``, here and in the cache (the benchmark's cold runs)."""
    normal = words.strip().lower()
    for key in [key for key in _text_local if key[1] == normal]:
        del _text_local[key]
    cache.delete(TEXT_KEY + hashlib.sha256(normal.encode()).hexdigest())
