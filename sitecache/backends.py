"""A Redis cache the site can live without.

If Redis stops answering (stopped, unreachable, or hung), every cache call is a
miss: a read finds nothing, a write keeps nothing, ``incr`` raises ValueError as
for a key that is not there. Pages are then built afresh on every request, which
is slower but correct. The first failure is logged; the recovery is logged too.

A hung Redis is the hard case: each call waits for its socket timeout. So the
timeouts are short (``socket_connect_timeout`` and ``socket_timeout`` in OPTIONS,
half a second by default, with no retries), and after a failure this process does
not try Redis again for ``RETRY_SECONDS``: a background thread tries it once per
that interval, so one request pays the timeout when Redis goes bad and visitors'
requests pay nothing after that. The thread also brings the cache back by itself
when Redis answers again, even if no request comes.

Why not django-redis with ``IGNORE_EXCEPTIONS``: it also turns errors into misses,
but it tries Redis again on every call. A page makes several cache calls, so with
a hung Redis every page would wait several socket timeouts, for as long as the
outage lasts.

Writes made while Redis was away are lost, and one of them may have been a bump
of the site's cache version (sitecache.version): Redis could come back still
holding pages from before an edit, marked as current. So the first thing sent
to Redis after an outage starts a new version, and nothing kept before is used.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# What "Redis is not answering" looks like: redis-py wraps socket errors in
# ConnectionError and TimeoutError (both RedisErrors); OSError for anything it misses.
FAILURES = (RedisError, OSError)
DEFAULT_TIMEOUT_SECONDS = 0.5
DEFAULT_RETRY_SECONDS = 2.0
MIN_RETRY_SECONDS = 0.05  # the probe must never spin
# Ping a pooled connection idle this long before using it, to find one that died quietly.
HEALTH_CHECK_SECONDS = 30

NORMAL, TRIAL, SKIP = "normal", "trial", "skip"


class Breaker:
    """Whether this process should send anything to one Redis now (a circuit breaker).

    Django makes one cache object per thread; they all share their server's breaker,
    so the whole process backs off together.
    """

    def __init__(self, location, retry_seconds):
        self.location = location
        self.retry_seconds = max(retry_seconds, MIN_RETRY_SECONDS)
        self.lock = threading.Lock()
        self.down_since = None  # time.monotonic() of the first failure; None while healthy
        self.retry_at = 0.0
        self.failures = 0  # calls that went to Redis and failed: each cost one timeout at most
        self.skipped = 0  # calls answered as a miss without going to Redis
        self.retired = False
        self._probe = None
        self._wake = threading.Event()

    @property
    def is_open(self):
        """Whether Redis is being left alone after a failure."""
        return self.down_since is not None

    def claim(self, *, probing=False):
        """Return NORMAL (go ahead), TRIAL (go ahead, first try after a failure) or SKIP."""
        with self.lock:
            if self.down_since is None:
                return NORMAL
            now = time.monotonic()
            probe_running = self._probe is not None and self._probe.is_alive()
            if now < self.retry_at or (probe_running and not probing):
                self.skipped += 1
                return SKIP
            self.retry_at = now + self.retry_seconds
            return TRIAL

    def failed(self, error, backend):
        with self.lock:
            self.failures += 1
            self.retry_at = time.monotonic() + self.retry_seconds
            first = self.down_since is None
            if first:
                self.down_since = time.monotonic()
            self._start_probe(backend)
        if first:
            logger.error(
                "The cache at %s is not answering (%s: %s). Pages are built without it; "
                "it is tried again every %g seconds.",
                self.location,
                type(error).__name__,
                error,
                self.retry_seconds,
            )
        else:
            logger.debug("The cache at %s is still not answering: %s", self.location, error)

    def recovered(self):
        with self.lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            self.down_since = None
        logger.warning(
            "The cache at %s answers again after %.0f seconds; pages cached before "
            "will not be used.",
            self.location,
            seconds,
        )

    def retire(self):
        """Stop the background probe; this breaker is no longer used (tests)."""
        self.retired = True
        self._wake.set()

    def _start_probe(self, backend):
        if self.retired or (self._probe is not None and self._probe.is_alive()):
            return
        self._probe = threading.Thread(
            target=self._probe_until_back,
            args=(backend,),
            name=f"cache probe {self.location}",
            daemon=True,
        )
        self._probe.start()

    def _probe_until_back(self, backend):
        while True:
            with self.lock:
                if self.retired or self.down_since is None:
                    self._probe = None
                    return
                wait = self.retry_at - time.monotonic()
            if wait > 0:
                self._wake.wait(wait)
                continue
            try:
                backend.probe()
            except Exception:  # never leave the breaker open with no probe
                logger.exception("The cache probe failed")
                self._wake.wait(self.retry_seconds)


_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(server, retry_seconds):
    with _breakers_lock:
        breaker = _breakers.get(server)
        if breaker is None:
            breaker = _breakers[server] = Breaker(_without_password(server), retry_seconds)
        breaker.retry_seconds = max(retry_seconds, MIN_RETRY_SECONDS)
        return breaker


def forget_breakers():
    """Start afresh, as a new process would (tests use this between Redis servers)."""
    with _breakers_lock:
        for breaker in _breakers.values():
            breaker.retire()
        _breakers.clear()


def _without_password(location):
    """Return the Redis address(es) for a log message, without any password in them."""
    parts = []
    for url in str(location).replace(";", ",").split(","):
        address = urlsplit(url.strip())
        host = address.hostname or address.path or url
        parts.append(f"{host}:{address.port}" if address.port else host)
    return ", ".join(parts)


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache, but a Redis failure is a miss, never an error.

    OPTIONS take redis-py's connection options, with short timeouts and no retries
    by default, plus RETRY_SECONDS: how long to leave Redis alone after a failure.
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        retry_seconds = float(options.pop("RETRY_SECONDS", DEFAULT_RETRY_SECONDS))
        options.setdefault("socket_connect_timeout", DEFAULT_TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", DEFAULT_TIMEOUT_SECONDS)
        # Our own back-off replaces redis-py's retries, which would multiply each timeout.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        options.setdefault("health_check_interval", HEALTH_CHECK_SECONDS)
        super().__init__(server, {**params, "OPTIONS": options})
        self.breaker = breaker_for(server, retry_seconds)

    def _guarded(self, fallback, call, *args):
        """Return ``call(*args)``, or ``fallback`` if Redis is not answering."""
        return self._attempt(self.breaker.claim(), fallback, call, *args)

    def probe(self):
        """Try Redis once if the back-off allows (the background probe's call)."""
        self._attempt(self.breaker.claim(probing=True), None, lambda: None)

    def _attempt(self, attempt, fallback, call, *args):
        if attempt == SKIP:
            return fallback
        try:
            if attempt == TRIAL:
                self._distrust_old_entries()
                self.breaker.recovered()
            return call(*args)
        except FAILURES as error:
            self.breaker.failed(error, self)
            return fallback

    def _distrust_old_entries(self):
        """Sent first when Redis may be back: writes made meanwhile were lost, perhaps
        a bump of the cache version, so start a new version (straight to Redis)."""
        from .version import start_new_version

        start_new_version(using=super())

    # --- The cache API: each call a miss, or a write kept nowhere, while Redis is away.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        found = self._guarded(missing, super().incr, key, delta, version)
        if found is missing:
            raise ValueError(f"Key '{key}' not found: the cache is not answering.")
        return found

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # A list of the keys not stored, as Django's API promises: all of them.
        return self._guarded(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guarded(None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded(False, super().clear)
