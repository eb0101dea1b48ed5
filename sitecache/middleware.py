"""Serve anonymous visitors' public pages from the cache.

Only pages that are the same for every anonymous visitor are kept: GET requests
without a session cookie, outside the admin, answered 200 without setting any
cookie (so the report-a-problem form, which sets the CSRF cookie, is never kept).
Each entry carries the site's cache version (sitecache.version) it was made under and
is used only while that is still the version, so a change to any listing,
organisation, area, term or page is seen by the very next request.

It comes first in MIDDLEWARE (after only the health checks, emrj/health.py), so a
kept page already carries every header the other middleware add (security headers,
Content-Security-Policy, …), and a hit is answered without running any of them again.
Being so early also means it sees static files, which PUBLIC_PAGE_CACHE_EXEMPT leaves
to WhiteNoise.

If the cache is not answering (Redis stopped or hung, sitecache.backends), every
request is a miss and pages are built as if there were no cache.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from . import schedule
from .version import current_version_with


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not timeout or not self._cacheable_request(request):
            return self.get_response(request)
        key = self._key(request)
        # Each entry remembers the version it was made under: one round trip reads both,
        # and when content next changes by the clock (sitecache/schedule.py).
        version, found = current_version_with([key, schedule.KEY])
        entry = found.get(key)
        if entry is not None and entry[0] == version:
            response = entry[1]
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        # No version means the cache is not answering: the page is served, not kept.
        cacheable = version is not None and request.method == "GET"
        if cacheable and self._cacheable_response(request, response):
            keep_for = timeout
            if schedule.is_marked(response):
                # Kept only until the next scheduled item appears or event ends.
                due = schedule.remembered(version, found.get(schedule.KEY))
                keep_for = schedule.seconds_until(due, at_most=timeout)
            if keep_for:
                cache.set(key, (version, response), keep_for)
        response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _cacheable_request(request):
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(settings.PUBLIC_PAGE_CACHE_EXEMPT)
        )

    @staticmethod
    def _cacheable_response(request, response):
        session = getattr(request, "session", None)
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not getattr(response, "not_kept", False)  # counted on every visit
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not (session is not None and session.modified)
            and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        )

    @staticmethod
    def _key(request):
        # Host and scheme matter: the API and sitemap put absolute URLs in their pages.
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        digest = hashlib.sha256(address.encode()).hexdigest()
        return f"sitecache:page:{digest}"
