"""/healthz and /readyz for a load balancer or monitor, answered before anything else runs.

- ``/healthz``: the process is up and answering. Touches neither the database nor the
  cache, so a database outage never takes a server out of rotation, and cached pages
  keep being served.
- ``/readyz``: the database and the cache both answer. 200 with each check, or 503
  naming the one that failed, as JSON.

The middleware is first in MIDDLEWARE, so these answers are never cached, never
redirected to HTTPS (a load balancer probes over plain HTTP), and set no cookie.

Being first also means ``request.get_host()`` is never called, so the Host header (a
balancer probes with its own, often an IP address) is not checked against
ALLOWED_HOSTS. That is safe here: the bodies are fixed, build no links from the Host
header and reveal nothing but "ok" or "failed". Errors go to the log, not the body.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import connection
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH:
            response = HttpResponse("ok", content_type="text/plain; charset=utf-8")
        elif request.path_info == READY_PATH:
            response = readiness()
        else:
            return self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response


def readiness():
    """Check the database and the cache; 200 if both answer, else 503 naming which failed."""
    checks = {"database": database_answers(), "cache": cache_answers()}
    ready = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            "checks": {name: "ok" if passed else "failed" for name, passed in checks.items()},
        },
        status=200 if ready else 503,
    )


def database_answers():
    """Connect (within the connect timeout) and run SELECT 1 (within the statement timeout)."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Readiness check: the database did not answer", exc_info=True)
        return False
    return True


def cache_answers():
    """Write a random value under a throwaway key and read it back.

    A fresh key and value each time: servers sharing one Redis must not read each other's
    value. Reading the value back, not just not raising, also catches a cache that
    swallows its errors and answers every read with nothing.
    """
    key = f"health:readyz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=30)
        answered = cache.get(key) == value
        cache.delete(key)
    except Exception:  # each cache backend raises its own client library's errors
        logger.warning("Readiness check: the cache did not answer", exc_info=True)
        return False
    if not answered:
        logger.warning("Readiness check: the cache did not keep a value")
    return answered
