"""Turn what a visitor typed as where they live into the areas that cover it.

The search page's "Where do you live?" box takes an area's name (a police area,
county, district, "Rutland"), a town or village, a full postcode or an outward
code. Area names come from the database, so areas staff add are found too;
places and postcodes come from the committed ONS and GeoNames lookup in
``directory.places``, which never leaves this server.

A full postcode is never kept in an address the site shows: the search page
redirects it to its district (or its outward code), so it stays out of the
browser's history, the page cache and any access log of the result page.
"""

import difflib
import re
from dataclasses import dataclass

from . import places

MAX_WHERE_LENGTH = 100

# "LE11 3TU", "le113tu", "SW1A 1AA": an outward code, then a digit and two letters.
FULL_POSTCODE = re.compile(r"^\s*([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)\s*([0-9][A-Za-z]{2})\s*$")
_NOT_WORD = re.compile(r"[^0-9a-z]+")

# Words people put around a place ("mediation in Loughborough"), dropped when the
# place moves from the search words to the where box.
_JOINING_WORDS = {"in", "near", "around", "at", "for", "from"}


@dataclass
class Where:
    """What a visitor's "where" resolved to."""

    text: str
    kind: str  # "area", a PlaceMatch kind ("postcode", "place", …), or "unmapped"
    label: str
    areas: tuple = ()
    suggestions: tuple = ()
    # A bigger place of the same name lies outside the region ("Preston").
    also_outside: bool = False

    @property
    def found(self):
        return bool(self.areas)

    @property
    def outside_region(self):
        return self.kind == "outside_region"

    @property
    def spans_several(self):
        return len(self.areas) > 1

    def describe(self):
        """Say in a sentence which areas the visitor's place is in."""
        names = and_list([area.name for area in self.areas])
        if self.kind == "area":
            return f"Showing services for people who live in {names}."
        if self.kind == "outward_code":
            if self.spans_several:
                return f"{self.label} covers {names}. Showing services for all of them."
            return f"{self.label} is in {names}. Showing services for people who live there."
        return f"{self.label} is in {names}. Showing services for people who live there."

    def elsewhere_note(self):
        """Say that a namesake elsewhere is not covered, when there is one."""
        if not self.also_outside:
            return ""
        return (
            f"If you meant a different {self.label}, outside the East Midlands, this directory "
            "does not cover it: the national services below can help."
        )


def normalise(text):
    """Lower-case ``text`` and reduce everything but letters and digits to one space."""
    return _NOT_WORD.sub(" ", (text or "").lower()).strip()


def area_names(areas):
    """Map each way of writing an area's name to the area.

    "Northamptonshire police area" also answers to "Northamptonshire", unless
    another area is called that (as the county of Lincolnshire is).
    """
    names = {}
    for area in areas:
        names.setdefault(normalise(area.slug.replace("-", " ")), area)
    for area in areas:
        names[normalise(area.name)] = area
    for area in areas:
        short = normalise(area.name).removesuffix(" police area")
        names.setdefault(short, area)
    return names


def resolve_where(text, areas):
    """Return the Where for ``text``, given every Area (with parents fetched)."""
    text = (text or "").strip()[:MAX_WHERE_LENGTH]
    key = normalise(text)
    if not key:
        return Where(text, "empty", "")
    known = area_names(areas)
    if key in known:
        area = known[key]
        return Where(text, "area", area.name, (area,))
    match = places.resolve_place(text)
    if match.ons_codes:
        by_code = {area.ons_code: area for area in areas if area.ons_code}
        found = tuple(by_code[code] for code in match.ons_codes if code in by_code)
        if found:
            return Where(text, match.kind, match.label, found, also_outside=match.also_outside)
        return Where(text, "unmapped", match.label)
    if match.kind == "outside_region":
        return Where(text, "outside_region", match.label)
    return Where(text, match.kind, match.label or text, suggestions=_suggestions(key, match, known))


def _suggestions(key, match, known):
    names = {area.name for area in known.values()}
    close = difflib.get_close_matches(key, {normalise(name): name for name in names}, n=3)
    by_key = {normalise(name): name for name in names}
    found = [*match.suggestions, *(by_key[name] for name in close)]
    return tuple(dict.fromkeys(found))[:5]


def without_full_postcode(text, areas):
    """Return what to search instead of a full postcode in ``text``, or None.

    Its district's name when the postcode is known, otherwise its outward code,
    so the postcode itself never appears in an address the site shows.
    """
    found = FULL_POSTCODE.match(text or "")
    if not found:
        return None
    where = resolve_where(text, areas)
    if where.kind == "postcode" and len(where.areas) == 1:
        return where.areas[0].name
    return found.group(1).upper()


def split_place_from_words(words, areas):
    """Find a place in free search words: return (place text, remaining words) or None.

    "mediation in Loughborough" → ("Loughborough", "mediation"). Area names from
    the database count as well as the region's towns, villages and postcodes.
    """
    found = places.find_place_in_text(words or "")
    if found is not None:
        match, remaining = found
        place = match.label
    else:
        place, remaining = _area_name_in(words or "", areas)
        if place is None:
            return None
    kept = [word for word in remaining.split() if word.lower() not in _JOINING_WORDS]
    return place, " ".join(kept)


def _area_name_in(words, areas):
    """Find the longest area name inside ``words`` (as whole words)."""
    tokens = words.split()
    known = area_names(areas)
    for size in range(min(len(tokens), 6), 0, -1):
        for start in range(len(tokens) - size + 1):
            key = normalise(" ".join(tokens[start : start + size]))
            if key in known:
                rest = tokens[:start] + tokens[start + size :]
                return known[key].name, " ".join(rest)
    return None, words


def and_list(names):
    """Join names as a sentence would: "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
