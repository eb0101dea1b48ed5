"""One number that changes whenever anything a visitor can see changes.

Cached pages and facet counts are stored under the current version, so bumping it
makes every request after the change miss the old entries (which simply expire).
With Redis as the cache every app server shares the number, so an edit made through
one server is seen at once through all of them.

While the cache is not answering (sitecache.backends) there is no version: callers
get None and keep nothing. A bump lost then is made good when Redis is back: the
backend starts a new version before anything else (start_new_version).
"""

import time

from django.core.cache import cache
from django.db import transaction

KEY = "sitecache:version"


def current_version():
    return current_version_and(None)[0]


def current_version_and(key):
    """Return the version and the entry at ``key``, in one round trip to the cache.

    The version is None while the cache is not answering: keep nothing under it.
    """
    version, found = current_version_with([key] if key else [])
    return version, found.get(key)


def current_version_with(keys):
    """Return the version and a dict of the entries found at ``keys``, in one round trip."""
    found = cache.get_many([KEY, *keys])
    version = found.pop(KEY, None)
    if version is None:
        # First use, or the entry was evicted: start from the clock, which is far
        # above any number an earlier run counted up to, so no old entry is reused.
        cache.add(KEY, time.time_ns(), timeout=None)
        version = cache.get(KEY)
    return version, found


def start_new_version(using=None):
    """Store a version that no entry kept so far was made under, so none is used again.

    ``using`` is the cache to write to (the default cache unless the backend, coming
    back after an outage, passes its own direct connection).
    """
    (cache if using is None else using).set(KEY, time.time_ns(), timeout=None)


def bump_version():
    """Invalidate now, and again once the current transaction commits.

    The second bump closes a race: a request that reads the version bumped inside
    the transaction but still sees the old rows must not keep its page.
    """
    _bump()
    transaction.on_commit(_bump)


def _bump():
    try:
        cache.incr(KEY)
    except ValueError:  # not there (or the cache is not answering): start afresh
        start_new_version()
