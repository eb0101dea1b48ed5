"""Parameters at the edges of what the API can read, and errors of every kind,
answer JSON like the API's other errors (test_errors.py), never an HTML page."""

import logging

import pytest
from django.test import Client

from openreferral import views

from .conftest import API

pytestmark = pytest.mark.django_db

SERVICE_LISTS = ["/services", "/service_at_locations"]


@pytest.mark.parametrize("path", SERVICE_LISTS)
@pytest.mark.parametrize(
    "moment",
    [
        "9999-12-31T23:59:59-01:00",  # after the last moment a date-time can hold, in UTC
        "0001-01-01T00:00:00+05:00",  # before the first
        "0001-01-01T00:00:00+23:59",
        "9999-12-31T23:59:59.999999-23:59",
    ],
)
def test_a_moment_beyond_the_calendar_in_utc_is_a_400_naming_the_parameter(api, path, moment):
    body = api(path, status=400, modified_after=moment)

    assert "'modified_after'" in body["message"]
    assert moment[:19] in body["message"]


@pytest.mark.parametrize(
    "moment",
    ["9999-12-31T23:59:59+01:00", "0001-01-01T00:00:00-05:00", "9999-12-30", "0001-01-02"],
)
def test_moments_near_the_ends_of_the_calendar_still_work(api, make_listing, moment):
    make_listing()

    body = api("/services", modified_after=moment)

    assert body["total_items"] in (0, 1)


def test_a_moment_with_an_offset_beyond_a_day_is_a_400(api):
    body = api("/services", status=400, modified_after="2026-11-01T09:00:00+24:00")

    assert "'modified_after'" in body["message"]


@pytest.mark.parametrize("path", SERVICE_LISTS)
@pytest.mark.parametrize(
    "params",
    [
        {"page": "999999999999999999"},  # the most digits allowed: past the end, empty
        {"per_page": "999999999999999999"},
        {"minimum_age": "0"},
        {"maximum_age": "150"},
    ],
)
def test_large_but_allowed_values_are_an_answer(api, path, params):
    assert api(path, **params)["contents"] == []


# --- Every error is JSON ------------------------------------------------------------


@pytest.fixture
def failing_view(monkeypatch):
    """Make the services list fail the way a bug would."""

    def fail(queryset, query):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.queries, "filter_services", fail)


def test_a_server_error_is_a_json_500(failing_view, caplog):
    client = Client(raise_request_exception=False)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(f"{API}/services")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "problem" in response.json()["message"]
    assert "a bug" not in response.content.decode()  # nothing of the inside shown
    # Logged like any other server error, with the traceback, for whoever keeps the site.
    assert any(record.exc_info for record in caplog.records)


def test_more_parameters_than_django_reads_is_a_json_400(db, settings):
    client = Client(raise_request_exception=False)
    query = "&".join(f"p{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = client.get(f"{API}/services?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "parameters" in response.json()["message"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_a_write_is_a_json_405_even_with_csrf_checks(db, method):
    """Browsers' cross-site forms are refused by CSRF protection before any view runs;
    the API changes nothing, so it answers every method itself, in JSON."""
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(f"{API}/services")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert "read-only" in response.json()["message"]


@pytest.mark.parametrize(
    "path",
    ["/nothing", "/services/x/y", "/openapi.json/extra", "/%ff", "/services/%00"],
)
def test_unknown_addresses_are_a_json_404(api, path):
    api(path, status=404)


def test_the_api_root_without_its_slash_is_sent_to_the_root(client, db):
    response = client.get(API)

    assert response.status_code == 301
    assert response["Location"] == f"{API}/"
