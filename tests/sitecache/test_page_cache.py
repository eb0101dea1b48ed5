"""Anonymous visitors get cached public pages, and never a stale one."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from directory import services
from directory.models import Area, Listing, Term
from pages.models import OnwardRoute, Page
from sitecache.version import KEY, current_version

pytestmark = pytest.mark.django_db


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response


@pytest.fixture
def listing(make_listing, areas):
    return make_listing(
        name="Harbour mediation",
        slug="harbour",
        areas=[areas["leicester"]],
        contact_routes=[{"kind": "phone", "value": "0116 496 0555"}],
    )


PUBLIC = [
    "/",
    "/services/",
    "/services/?q=harbour",
    "/services/harbour/",
    "/areas/",
    "/areas/leicester/",
    "/information/",
    "/api/openreferral/services",
]


@pytest.mark.parametrize("url", PUBLIC)
def test_the_second_visit_is_served_from_the_cache_without_queries(
    client, listing, url, django_assert_num_queries
):
    assert get(client, url)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = get(client, url)
    assert again["X-Page-Cache"] == "hit"
    assert again.content == get(client, url).content
    # Headers added around the cache are still there on a hit.
    assert "Content-Security-Policy" in again
    assert not again.cookies


def test_an_edit_is_seen_by_the_next_request(client, listing):
    pages = ["/services/harbour/", "/services/?q=harbour", "/areas/leicester/", "/"]
    for url in pages:
        get(client, url)

    listing.summary = "Now with evening appointments."
    listing.save()

    for url in pages[:3]:
        assert b"evening appointments" in get(client, url).content, url


def test_changes_to_related_records_are_seen(client, listing, areas):
    url = "/services/harbour/"
    get(client, url)

    listing.organisation.name = "Renamed Trust"
    listing.organisation.save()
    assert b"Renamed Trust" in get(client, url).content

    listing.areas.add(areas["rutland"])
    assert b"Rutland" in get(client, url).content

    term = Term.objects.get(vocabulary="audience", slug="people-harmed")
    term.name = "People who were harmed"
    term.save()
    assert b"People who were harmed" in get(client, url).content

    area = Area.objects.get(slug="rutland")
    area.name = "Rutland County"
    area.save()
    assert b"Rutland County" in get(client, url).content

    listing.delete()
    assert client.get(url).status_code == 404


def test_information_page_edits_are_seen(client):
    page = Page.objects.published().first()
    url = page.get_absolute_url()
    get(client, url)
    page.title = "A new title for this page"
    page.save()
    assert b"A new title for this page" in get(client, url).content


def test_onward_route_edits_bump_the_version_and_are_seen(client):
    route = OnwardRoute.objects.get(name="Victim Support")
    get(client, "/information/")
    before = current_version()
    route.description = "Words staff have just changed."
    route.save()
    assert current_version() > before
    assert b"Words staff have just changed." in get(client, "/information/").content
    before = current_version()
    route.delete()
    assert current_version() > before
    assert b"Words staff have just changed." not in get(client, "/information/").content


def test_staff_actions_are_seen(client, listing):
    staff = User.objects.create_superuser("staff", "staff@example.org", "x" * 16)
    get(client, "/services/")

    services.listings_set_status(
        listings=Listing.objects.filter(pk=listing.pk), status=Listing.Status.ARCHIVED, by=staff
    )
    assert b"Harbour mediation" not in get(client, "/services/").content

    services.listings_set_status(
        listings=Listing.objects.filter(pk=listing.pk), status=Listing.Status.PUBLISHED, by=staff
    )
    assert b"Harbour mediation" in get(client, "/services/").content


def test_an_admin_edit_is_seen(client, listing, areas):
    staff = User.objects.create_superuser("staff", "staff@example.org", "x" * 16)
    anonymous_page = get(client, "/services/harbour/")
    assert b"Call the harbour desk" not in anonymous_page.content

    editor = type(client)()
    editor.force_login(staff)
    change = reverse("admin:directory_listing_change", args=[listing.pk])
    form = editor.get(change).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name in form.fields
    }
    for name in ("audiences", "age_groups", "delivery_modes", "settings", "case_types", "areas"):
        data[name] = [obj.pk for obj in getattr(listing, name).all()]
    data["how_to_refer"] = "Call the harbour desk."
    data["last_checked"] = listing.last_checked.isoformat()
    response = editor.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    assert b"Call the harbour desk" in get(client, "/services/harbour/").content


def test_generated_listings_are_seen(client, db):
    call_command("loaddata", "areas", verbosity=0)
    get(client, "/services/")
    call_command("generate_listings", "3", verbosity=0)
    assert b"(fictional)" in get(client, "/services/").content


def test_signed_in_users_neither_get_nor_fill_the_cache(client, listing):
    staff = User.objects.create_superuser("staff", "staff@example.org", "x" * 16)
    signed_in = type(client)()
    signed_in.force_login(staff)

    assert "X-Page-Cache" not in get(signed_in, "/services/harbour/")
    assert get(client, "/services/harbour/")["X-Page-Cache"] == "miss"
    assert "X-Page-Cache" not in get(signed_in, "/services/harbour/")


def test_pages_that_set_a_cookie_are_never_kept(client, listing):
    url = "/services/harbour/report/"
    assert client.get(url).cookies  # the CSRF cookie for the form
    second = type(client)().get(url)
    assert second["X-Page-Cache"] == "miss"
    assert second.cookies


@pytest.mark.parametrize(
    "url", ["/services/no-such-service/", "/services/?area=nowhere", "/api/openreferral/x"]
)
def test_errors_are_never_kept(client, db, url):
    first = client.get(url)
    assert first.status_code in (400, 404)
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_the_cache_can_be_turned_off(client, listing, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    get(client, "/services/")
    assert "X-Page-Cache" not in get(client, "/services/")


def test_the_version_is_bumped_again_when_the_change_commits(
    listing, django_capture_on_commit_callbacks
):
    before = current_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        listing.save()
        during = current_version()
    assert before < during < current_version()
    assert callbacks


def test_a_lost_version_never_brings_old_pages_back(client, listing):
    get(client, "/services/harbour/")
    old = current_version()
    cache.delete(KEY)  # evicted, or Redis restarted without the data
    assert current_version() != old
    assert get(client, "/services/harbour/")["X-Page-Cache"] == "miss"


def test_facet_counts_are_cached_and_recounted_after_a_change(client, listing, settings):
    from django.http import QueryDict

    from directory.filters import ListingFilter

    def letter_count(query):
        filterset = ListingFilter(QueryDict(query), queryset=Listing.objects.published())
        assert filterset.is_valid()
        modes = next(f for f in filterset.facets() if f.name == "mode")
        return next(o.count for o in modes.options if o.value == "letter-writing")

    assert letter_count("area=leicester") == 0
    assert letter_count("area=leicester&page=2") == 0
    listing.delivery_modes.add(Term.objects.get(vocabulary="delivery_mode", slug="letter-writing"))
    assert letter_count("area=leicester") == 1
    settings.FACET_CACHE_SECONDS = 0
    assert letter_count("area=leicester") == 1


def test_a_csv_import_is_seen(client, listing):
    import io

    from directory import bulk

    staff = User.objects.create_superuser("staff", "staff@example.org", "x" * 16)
    get(client, "/services/harbour/")
    exported = io.StringIO()
    bulk.write_csv(exported, Listing.objects.all())
    changed = exported.getvalue().replace(
        "A restorative justice service.", "Imported: now open on Saturdays."
    )
    plan = bulk.read_and_plan(changed)
    assert not plan.errors
    services.listings_import(plan=plan, by=staff)

    assert b"now open on Saturdays" in get(client, "/services/harbour/").content


def test_a_hit_carries_every_header_a_miss_has(client, listing):
    miss = get(client, "/services/harbour/")
    hit = get(client, "/services/harbour/")
    assert hit["X-Page-Cache"] == "hit"
    for header in [
        "Content-Security-Policy",
        "Referrer-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Cross-Origin-Opener-Policy",
        "Content-Type",
    ]:
        assert hit[header] == miss[header], header


def test_plain_http_is_still_redirected_when_the_https_page_is_cached(client, listing, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/services/harbour/", secure=True).status_code == 200
    assert client.get("/services/harbour/", secure=True)["X-Page-Cache"] == "hit"
    response = client.get("/services/harbour/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_static_files_are_left_to_whitenoise(client, db):
    from django.contrib.staticfiles.storage import staticfiles_storage

    url = staticfiles_storage.url("css/site.css")
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
