"""Keep a value in this process for as long as the site's cache version stands.

For what nearly every page reads and rarely changes (the areas, the vocabularies, the
footer's pages): each process builds it once per version, so a page reads one number
from the cache rather than making the queries. Any edit bumps the version
(sitecache.signals), and the next request builds afresh. While the cache is not
answering there is no version, and every call builds its own.

Values are shared by every request this process serves: treat them as read-only.
"""

from .version import current_version

_kept = {}  # name -> (version, value)


def per_version(name, build):
    version = current_version()
    if version is None:
        return build()
    kept = _kept.get(name)
    if kept is not None and kept[0] == version:
        return kept[1]
    value = build()
    _kept[name] = (version, value)
    return value


def forget():
    """Drop everything kept (tests that change the database behind the version's back)."""
    _kept.clear()
