"""The benchmark's baseline page exists only in the benchmark's settings."""

import pytest


@pytest.mark.django_db
def test_the_baseline_touches_no_database(client, settings, django_assert_num_queries):
    settings.ROOT_URLCONF = "emrj.bench_urls"
    settings.PUBLIC_PAGE_CACHE_EXEMPT = ("/admin/", "/accounts/", "/bench/")
    with django_assert_num_queries(0):
        response = client.get("/bench/baseline/")
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    # The site's own pages are still there.
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_the_site_has_no_baseline_page(client):
    assert client.get("/bench/baseline/").status_code == 404
