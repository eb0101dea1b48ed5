"""/healthz and /readyz: answered first, for a load balancer, on SQLite and PostgreSQL.

A database that is really stopped is tested with a throwaway PostgreSQL cluster in
tests/emrj/test_database_faults.py; here the cache is made unreachable for real (a Redis
address nothing listens on) and the rest runs against the test database.
"""

import json
import socket

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db


def closed_port():
    """Return a local port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unreachable_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }


@pytest.fixture
def forgetful_cache(settings):
    """A cache that never raises and keeps nothing, like one that swallows its errors."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def test_the_health_check_middleware_is_first():
    assert django_settings.MIDDLEWARE[0] == "emrj.health.HealthCheckMiddleware"


def test_healthz_says_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_healthz_says_ok_when_the_cache_is_unreachable(client, unreachable_cache):
    assert client.get("/healthz").status_code == 200


def test_readyz_lists_each_check_when_all_answer(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
    }


def test_readyz_checks_again_on_every_request(client, django_assert_num_queries):
    client.get("/readyz")
    with django_assert_num_queries(1):
        assert client.get("/readyz").status_code == 200


def test_readyz_says_the_cache_failed_when_it_is_unreachable(client, unreachable_cache):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "failed"},
    }


def test_readyz_says_the_cache_failed_when_it_keeps_nothing(client, forgetful_cache):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {"database": "ok", "cache": "failed"}


def test_a_failed_check_reveals_nothing_but_its_name(client, unreachable_cache):
    body = client.get("/readyz").content.decode()
    assert "redis" not in body.lower()
    assert "refused" not in body.lower()
    assert "Traceback" not in body


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_are_not_redirected_to_https(client, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301  # the rest of the site still is
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_answer_a_balancer_probing_with_its_own_address(client, path):
    assert client.get("/", HTTP_HOST="10.0.0.7").status_code == 400  # host checks still apply
    assert client.get(path, HTTP_HOST="10.0.0.7").status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_set_no_cookie_and_are_never_cached(client, path):
    for _ in range(2):
        response = client.get(path)
        assert not response.cookies
        assert "X-Page-Cache" not in response
        assert response["Cache-Control"] == "no-store"


def test_other_paths_that_look_alike_are_the_sites_own(client):
    assert client.get("/healthz/").status_code == 404
    assert client.get("/readyz/extra").status_code == 404
