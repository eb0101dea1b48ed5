"""Turn what a visitor typed into the East Midlands districts that cover it.

Pure Python, no third-party imports: the tables in ``data/`` are read once per process, the
first time they are needed. ``build.py`` writes them; ``data/README.md`` says from what.
"""

import difflib
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# The character postcodes.txt uses for a postcode outside the region (in an outward code that
# is partly inside it); the districts themselves are indexed by the letters before it.
OUTSIDE = "-"
DISTRICT_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

OUTWARD_RE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
FULL_RE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})")
INWARD_RE = re.compile(r"[0-9][A-Z]{2}")
# Separators a visitor may put inside a postcode ("LE11 3TU", "le11-3tu").
POSTCODE_NOISE_RE = re.compile(r"[\s\-.,]+")
# A word: letters and digits, with apostrophes inside ("King's"), or "&" (read as "and").
WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*|&")

# Longer than any place name or postcode; past this a visitor typed something else.
MAX_NAME_CHARS = 80
MAX_WORDS_IN_A_NAME = 4
MAX_SUGGESTIONS = 5
SUGGESTION_CUTOFF = 0.75

# Places in the region whose names are also everyday words or first names. In the place box
# they still resolve ("Hope" is a village in the Peak District), but inside free search words
# they are read as words: "hope" or "wrangle" in a search almost never means the village.
NOT_PLACES_IN_FREE_TEXT = frozenset(
    {
        "bicker",
        "bradley",
        "brooke",
        "crick",
        "eagle",
        "fleet",
        "heather",
        "hope",
        "hose",
        "martin",
        "shirley",
        "timberland",
        "whetstone",
        "wing",
        "wrangle",
    }
)


@dataclass(frozen=True)
class PlaceMatch:
    """What the place box matched.

    ``kind`` is one of "postcode", "outward_code", "place", "outside_region", "unknown" or
    "empty". ``ons_codes`` are East Midlands district codes, largest share first, and empty
    unless the match is in the region. ``partial`` marks a full postcode that is not in the
    data but whose outward code is: the match is then for the outward code.

    ``also_outside`` marks a place in the region whose name is also a sizeable place
    elsewhere (Preston is a village in Rutland and a city in Lancashire): the match is still
    the place in the region, but the visitor may have meant the other. Only a "place" match
    has it, and not when the visitor named the region's place's area after a comma.
    """

    kind: str
    label: str = ""
    ons_codes: tuple = ()
    suggestions: tuple = ()
    partial: bool = False
    also_outside: bool = False


EMPTY = PlaceMatch("empty")


@dataclass(frozen=True)
class _Tables:
    districts: dict  # ONS code -> name
    district_by_char: dict  # index character -> ONS code
    postcodes: dict  # outward -> (sorted 3-character inward codes joined, district chars)
    outward_districts: dict  # outward -> district codes, largest share first
    uk_outwards: frozenset
    places: dict  # name key -> (label, district codes)
    outside: dict  # name key -> label
    also_outside: dict  # name key in places -> label of its largest namesake outside the region


_lock = threading.Lock()
_tables = None


def _lines(name):
    with open(DATA_DIR / name, encoding="utf-8") as file:
        for line in file:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield line


def _load():
    districts, district_by_char = {}, {}
    for line in _lines("districts.txt"):
        char, code, name = line.split("\t")
        districts[code] = name
        district_by_char[char] = code
    postcodes = {}
    for line in _lines("postcodes.txt"):
        outward, inwards, chars = line.split(" ")
        postcodes[outward] = (inwards, chars)
    outward_districts = {}
    for line in _lines("outward_districts.txt"):
        outward, _total, *shares = line.split(" ")
        outward_districts[outward] = tuple(share.split(":")[0] for share in shares)
    uk_outwards = frozenset(word for line in _lines("outward_codes.txt") for word in line.split())
    places = {}
    for line in _lines("places.txt"):
        key, label, codes = line.split("\t")
        places[key] = (label, tuple(codes.split(",")))
    outside = dict(line.split("\t") for line in _lines("outside_places.txt"))
    also_outside = {}
    for line in _lines("ambiguous_places.txt"):
        key, label, _population = line.split("\t")
        also_outside[key] = label
    return _Tables(
        districts,
        district_by_char,
        postcodes,
        outward_districts,
        uk_outwards,
        places,
        outside,
        also_outside,
    )


def tables():
    """Return the lookup tables, reading them on first use."""
    global _tables
    if _tables is None:
        with _lock:
            if _tables is None:
                _tables = _load()
    return _tables


# --- Normalising -----------------------------------------------------------------------------


def _fold(word):
    """Return ``word`` lower-cased with accents and inner punctuation dropped."""
    if word == "&":
        return "and"
    if word.isascii():
        folded = word.lower().replace("'", "")
    else:
        decomposed = unicodedata.normalize("NFKD", word)
        folded = "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()
    return "st" if folded == "saint" else folded


def _words(text):
    return WORD_RE.finditer(text)


def name_key(text):
    """Return the key a place name is matched on: "Ashby-de-la-Zouch", "ashby de la zouch"
    and "Ashby De La Zouch!" all give "ashbydelazouch"; "Saint" and "St." both give "st"."""
    return "".join(_fold(match.group()) for match in _words(text))


def _compact_postcode(text):
    # NFKC turns full-width "ＬＥ１１" into "LE11".
    return POSTCODE_NOISE_RE.sub("", unicodedata.normalize("NFKC", text)).upper()


def is_postcode_like(text):
    """Return whether ``text`` has the shape of a full postcode or an outward code."""
    if not isinstance(text, str) or len(text) > MAX_NAME_CHARS:
        return False
    compact = _compact_postcode(text)
    return bool(FULL_RE.fullmatch(compact) or OUTWARD_RE.fullmatch(compact))


# --- Resolving -------------------------------------------------------------------------------


def district_names():
    """Return every East Midlands district's name by its ONS code."""
    return dict(tables().districts)


def _find_inward(inwards, chars, inward):
    lo, hi = 0, len(chars)
    while lo < hi:
        mid = (lo + hi) // 2
        here = inwards[3 * mid : 3 * mid + 3]
        if here == inward:
            return chars[mid]
        if here < inward:
            lo = mid + 1
        else:
            hi = mid
    return None


def _resolve_outward(outward, *, label=None, partial=False):
    data = tables()
    if outward in data.outward_districts:
        return PlaceMatch(
            "outward_code", label or outward, data.outward_districts[outward], partial=partial
        )
    if outward in data.uk_outwards:
        return PlaceMatch("outside_region", label or outward)
    return PlaceMatch("unknown", label or outward)


def _resolve_postcode(outward, inward):
    data = tables()
    label = f"{outward} {inward}"
    if outward not in data.postcodes:
        return _resolve_outward(outward, label=label)
    char = _find_inward(*data.postcodes[outward], inward)
    if char is None:
        if outward in data.outward_districts:
            return _resolve_outward(outward, partial=True)
        return PlaceMatch("outside_region", label)
    if char == OUTSIDE:
        return PlaceMatch("outside_region", label)
    return PlaceMatch("postcode", label, (data.district_by_char[char],))


def _resolve_postcode_text(compact):
    full = FULL_RE.fullmatch(compact)
    if full:
        return _resolve_postcode(*full.groups())
    return _resolve_outward(compact)


def _place_match(key):
    data = tables()
    label, codes = data.places[key]
    return PlaceMatch("place", label, codes, also_outside=key in data.also_outside)


def _resolve_key(key):
    data = tables()
    if key in data.places:
        return _place_match(key)
    if key in data.outside:
        return PlaceMatch("outside_region", data.outside[key])
    return None


def _suggestions(key):
    if not key or len(key) > MAX_NAME_CHARS:
        return ()
    data = tables()
    close = difflib.get_close_matches(key, data.places, MAX_SUGGESTIONS * 2, SUGGESTION_CUTOFF)
    labels = []
    for match in close:
        label = data.places[match][0]
        if label not in labels:
            labels.append(label)
    return tuple(labels[:MAX_SUGGESTIONS])


def _resolve_with_qualifier(text):
    """Resolve "Beeston, Nottinghamshire": a place, narrowed by the area named after a comma.

    An area in the region that holds the place settles which place was meant ("Preston,
    Rutland" is not also outside); a place outside the region after a name the region shares
    with a place elsewhere ("Kilburn, London") means the place elsewhere.
    """
    head, _, tail = text.partition(",")
    head_key = name_key(head)
    found = _resolve_key(head_key)
    if found is None or found.kind != "place":
        return found
    within = _resolve_key(name_key(tail))
    if within is None:
        return found
    if within.kind == "place":
        narrowed = tuple(code for code in found.ons_codes if code in within.ons_codes)
        if narrowed:
            return PlaceMatch("place", found.label, narrowed)
    elif within.kind == "outside_region" and found.also_outside:
        return PlaceMatch("outside_region", tables().also_outside[head_key])
    return found


def resolve_place(text):
    """Return the match for what a visitor typed in the place box. Never raises."""
    if not isinstance(text, str):
        return EMPTY
    text = text.strip()
    if not any(c.isalnum() for c in text):
        return EMPTY
    if len(text) > MAX_NAME_CHARS:
        return PlaceMatch("unknown", text[:MAX_NAME_CHARS].strip())
    if is_postcode_like(text):
        return _resolve_postcode_text(_compact_postcode(text))
    key = name_key(text)
    found = _resolve_key(key)
    if found is None and "," in text:
        found = _resolve_with_qualifier(text)
    if found is not None:
        return found
    return PlaceMatch("unknown", " ".join(text.split()), suggestions=_suggestions(key))


# --- Finding a place inside search words -----------------------------------------------------


def _postcode_at(words, i):
    """Return (match, number of words) for a postcode or outward code starting at word i."""
    data = tables()
    first = words[i].group().upper()
    if FULL_RE.fullmatch(first):
        found = _resolve_postcode_text(first)
        if found.kind != "unknown":
            return found, 1
    if not OUTWARD_RE.fullmatch(first):
        return None
    if i + 1 < len(words) and INWARD_RE.fullmatch(words[i + 1].group().upper()):
        found = _resolve_postcode(first, words[i + 1].group().upper())
        if found.kind != "unknown":
            return found, 2
    if first in data.outward_districts or first in data.uk_outwards:
        return _resolve_outward(first), 1
    return None


def _place_at(words, i):
    """Return (match, number of words) for the longest region place name starting at word i."""
    data = tables()
    key = ""
    best = None
    for n in range(1, MAX_WORDS_IN_A_NAME + 1):
        if i + n > len(words):
            break
        key += _fold(words[i + n - 1].group())
        if key in data.places and key not in NOT_PLACES_IN_FREE_TEXT and len(key) > 2:
            best = _place_match(key), n
    return best


def _without(text, start, end):
    before = text[:start].rstrip(" \t,;:-/")
    after = text[end:].lstrip(" \t,;:-/")
    return " ".join(f"{before} {after}".split())


def find_place_in_text(text):
    """Find a postcode, outward code or East Midlands place name inside search words.

    Return (match, the rest of the text) or None. A postcode wins over a place name; among
    place names the longest (up to four words) wins, then the first. "mediation in
    Loughborough" gives (Loughborough, "mediation in").
    """
    if not isinstance(text, str):
        return None
    words = list(_words(text))
    for finder in (_postcode_at, _place_at):
        best = None
        for i in range(len(words)):
            found = finder(words, i)
            if found and (best is None or found[1] > best[2]):
                best = (found[0], i, found[1])
        if best:
            match, i, n = best
            return match, _without(text, words[i].start(), words[i + n - 1].end())
    return None
