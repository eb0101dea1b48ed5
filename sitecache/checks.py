"""Refuse to serve from several processes that would each keep their own cache.

With local memory as the cache (no REDIS_URL), every process has its own cached
pages and its own cache version (sitecache.version). An edit bumps only the version
of the process that saved it, so the others keep serving the old page until it
expires. One process, with as many threads as it likes, shares one cache and is fine;
so is any number of processes sharing Redis. gunicorn.conf.py asks this module.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache


def per_process_cache_problem(workers):
    """Return why ``workers`` processes must not serve the site with these settings,
    or None if they may."""
    if workers <= 1 or settings.DEBUG or not isinstance(caches["default"], LocMemCache):
        return None
    lifetimes = {
        "DJANGO_PAGE_CACHE_SECONDS": settings.PUBLIC_PAGE_CACHE_SECONDS,
        "DJANGO_FACET_CACHE_SECONDS": settings.FACET_CACHE_SECONDS,
    }
    if not any(lifetimes.values()):
        return None
    return (
        f"Refusing to start {workers} worker processes with a local-memory cache: each "
        "would keep its own cached pages, so after an edit visitors could be shown the old "
        f"text for up to {max(lifetimes.values())} seconds. Set REDIS_URL so that every "
        "process shares one cache, or run one worker process (--workers 1, with --threads "
        "for more capacity), or turn the caches off with DJANGO_PAGE_CACHE_SECONDS=0 and "
        "DJANGO_FACET_CACHE_SECONDS=0."
    )
