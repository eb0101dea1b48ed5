"""Place and postcode lookup for "where do you live" search; see lookup.py."""

from .lookup import (
    PlaceMatch,
    district_names,
    find_place_in_text,
    is_postcode_like,
    resolve_place,
)

__all__ = [
    "PlaceMatch",
    "district_names",
    "find_place_in_text",
    "is_postcode_like",
    "resolve_place",
]
