"""Content that changes with the clock, not with a save: scheduled items and events.

A news item scheduled for nine o'clock, or an event that ends at four, changes the
public pages without any save bumping the cache version. So a page showing such
content (its view is decorated with ``changes_with_the_clock``) is kept only until
the next such change is due. Other pages are kept as usual, with no extra query.

Apps say when their next change is due by registering a function that returns an
aware datetime, or None if nothing is due (hub/apps.py). The earliest is worked
out once per cache version and remembered beside it, so pages need no extra query.
"""

from functools import wraps

from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone

KEY = "sitecache:next-change"
_SOURCES = []


def changes_with_the_clock(view):
    """Mark the pages ``view`` makes as showing content that changes by the clock."""

    @wraps(view)
    def marked(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        mark(response)
        return response

    return marked


def mark(response):
    response.changes_with_the_clock = True
    return response


def is_marked(response):
    return getattr(response, "changes_with_the_clock", False)


def register(next_change):
    """Add ``next_change()``, returning when content next changes by itself, or None."""
    if next_change not in _SOURCES:
        _SOURCES.append(next_change)


def next_change():
    """Return the earliest moment any registered content changes by itself, or None."""
    due = [moment for source in _SOURCES if (moment := source()) is not None]
    return min(due, default=None)


def remembered(version, entry):
    """Return the next change for cache ``version``, given what was kept at KEY.

    Works it out (and keeps it) when what was kept is for another version or has
    already come: the change after that one is then the one that matters.
    """
    now = timezone.now()
    if entry is not None and entry[0] == version and (entry[1] is None or entry[1] > now):
        return entry[1]
    try:
        moment = next_change()
    except DatabaseError:
        # Only a page that needed no database (robots.txt, say) gets here with the
        # database down, and it shows nothing scheduled: keep it as usual, remember
        # nothing, and ask again next time.
        return None
    cache.set(KEY, (version, moment), timeout=None)
    return moment


def seconds_until(moment, *, at_most):
    """Return for how many whole seconds a page may be kept: 0 if the change has come."""
    if moment is None:
        return at_most
    left = (moment - timezone.now()).total_seconds()
    return max(0, min(at_most, int(left)))
