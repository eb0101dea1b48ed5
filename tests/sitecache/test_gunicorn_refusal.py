"""gunicorn refuses to run several worker processes that would each keep their own
cache (gunicorn.conf.py, sitecache/checks.py): they would serve old pages after an edit.

The gunicorn tests start the real thing from the repository root, as the README's
production command does, with production-like settings.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sitecache.checks import per_process_cache_problem

from .conftest import fail_soft_caches, free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
REFUSAL = "Refusing to start 2 worker processes with a local-memory cache"
LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


# --- The rule ------------------------------------------------------------------------


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.CACHES = LOCAL_MEMORY
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    settings.FACET_CACHE_SECONDS = 600
    return settings


def test_several_processes_with_local_memory_are_refused(production):
    problem = per_process_cache_problem(3)
    assert "Refusing to start 3 worker processes with a local-memory cache" in problem
    assert "REDIS_URL" in problem and "--workers 1" in problem


def test_one_process_with_local_memory_is_fine(production):
    assert per_process_cache_problem(1) is None


def test_several_processes_sharing_redis_are_fine(production):
    production.CACHES = fail_soft_caches("redis://127.0.0.1:6379/0", retry_seconds=2)
    assert per_process_cache_problem(3) is None


def test_facet_counts_alone_are_reason_enough(production):
    production.PUBLIC_PAGE_CACHE_SECONDS = 0
    assert per_process_cache_problem(3)


def test_several_processes_with_the_caches_off_are_fine(production):
    production.PUBLIC_PAGE_CACHE_SECONDS = 0
    production.FACET_CACHE_SECONDS = 0
    assert per_process_cache_problem(3) is None


def test_several_processes_while_debugging_are_fine(production):
    production.DEBUG = True
    assert per_process_cache_problem(3) is None


# --- gunicorn itself -------------------------------------------------------------------


def production_environment(tmp_path, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS")
        and not key.startswith("DJANGO_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="emrj.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="gunicorn-test-secret-key-not-for-production-0123456789",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Never opened: robots.txt, the page these tests ask for, reads no database.
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        **extra,
    )
    return env


def start_gunicorn(env, *args):
    port = free_port()
    process = subprocess.Popen(
        [GUNICORN, "emrj.wsgi", "--bind", f"127.0.0.1:{port}", "--no-control-socket", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture
def gunicorn():
    """Start gunicorn from the repository root (so it reads gunicorn.conf.py); stop it after."""
    started = []

    def start(env, *args):
        process, base = start_gunicorn(env, *args)
        started.append(process)
        return process, base

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def refused(process):
    """Wait for gunicorn to give up; return its exit code and what it printed."""
    try:
        _out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("gunicorn kept running")
    return process.returncode, err


def serves(process, base):
    """Wait until gunicorn answers, then return what two visits to /robots.txt got:
    (status, X-Page-Cache) each."""
    for _ in range(300):
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited: {process.stderr.read()[-2000:]}")
        try:
            # Its own address, so that a visit given up on here cannot warm the cache.
            urllib.request.urlopen(base + "/robots.txt?up", timeout=10).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        pytest.fail("gunicorn did not answer")
    visits = []
    for _ in range(2):
        with urllib.request.urlopen(base + "/robots.txt", timeout=30) as response:
            visits.append((response.status, response.headers.get("X-Page-Cache")))
    return tuple(visits)


def test_gunicorn_refuses_two_workers_without_redis(gunicorn, tmp_path):
    process, _base = gunicorn(production_environment(tmp_path), "--workers", "2")
    code, err = refused(process)
    assert code != 0
    assert REFUSAL in err


def test_gunicorn_counts_web_concurrency_as_workers(gunicorn, tmp_path):
    process, _base = gunicorn(production_environment(tmp_path, WEB_CONCURRENCY="2"))
    code, err = refused(process)
    assert code != 0
    assert REFUSAL in err


def test_gunicorn_serves_with_one_worker_and_threads(gunicorn, tmp_path):
    process, base = gunicorn(production_environment(tmp_path), "--workers", "1", "--threads", "4")
    assert serves(process, base) == ((200, "miss"), (200, "hit"))


def test_gunicorn_serves_with_two_workers_sharing_redis(gunicorn, tmp_path, redis_server):
    # A generous timeout, for busy machines: one would turn the expected hit into a miss.
    env = production_environment(
        tmp_path, REDIS_URL=redis_server.url, DJANGO_REDIS_TIMEOUT_SECONDS="5"
    )
    process, base = gunicorn(env, "--workers", "2")
    # Whichever worker answers the second request, the page is a hit: they share Redis.
    assert serves(process, base) == ((200, "miss"), (200, "hit"))
