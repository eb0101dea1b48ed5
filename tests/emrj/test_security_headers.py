"""Security headers, cookies and the Content-Security-Policy: public pages
leave no cookies, and the admin keeps working without inline scripts or styles."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from pages.models import Page

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def csp_directives(response):
    """Return the Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers["Content-Security-Policy"]
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def inline_scripts(html):
    """Return the <script> tags that have no src, JSON-LD apart (data, never run)."""
    tags = re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)
    return [
        tag
        for tag in tags
        if not re.search(r"\ssrc=", tag) and "application/ld+json" not in tag.lower()
    ]


def style_attributes(html):
    return re.findall(r"<[^>]*\sstyle=[^>]*>", html, flags=re.IGNORECASE)


@pytest.fixture
def listing(make_listing, areas):
    return make_listing(name="Alder Conferencing", slug="alder", areas=[areas["leicester"]])


@pytest.fixture
def public_urls(listing, areas):
    """Every kind of public page, including a search with filters and a 404."""
    urls = [
        reverse("directory:home"),
        reverse("directory:search"),
        reverse("directory:search") + "?q=meeting&area=leicester&audience=people-harmed&page=1",
        listing.get_absolute_url(),
        reverse("directory:area-list"),
        reverse("directory:area-detail", kwargs={"slug": areas["leicester"].slug}),
        reverse("pages:page-list"),
        "/no-such-page/",
    ]
    urls += [page.get_absolute_url() for page in Page.objects.published()]
    return urls


# --- Content-Security-Policy ----------------------------------------------------


def test_policy_allows_only_this_site_and_nothing_inline(client):
    policy = csp_directives(client.get("/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'"]


def test_policy_blocks_plugins_base_tags_framing_and_foreign_forms(client):
    policy = csp_directives(client.get("/"))
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_policy_allows_no_unsafe_sources_or_nonces(client):
    header = client.get("/").headers["Content-Security-Policy"]
    assert "unsafe" not in header
    assert "nonce-" not in header
    assert "data:" not in header


def test_public_pages_have_no_inline_scripts_or_style_attributes(client, public_urls):
    for url in public_urls:
        html = client.get(url).content.decode()
        assert inline_scripts(html) == [], url
        assert style_attributes(html) == [], url


def test_policy_is_sent_on_the_not_found_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Content-Security-Policy" in response.headers


# --- The admin under the policy ---------------------------------------------------


def admin_urls(listing):
    return [
        reverse("admin:index"),
        reverse("admin:directory_listing_changelist"),
        reverse("admin:directory_listing_change", args=[listing.pk]),
        reverse("admin:directory_listing_add"),
        reverse("admin:directory_listing_review"),
        reverse("admin:pages_page_changelist"),
        reverse("admin:pages_page_change", args=[Page.objects.first().pk]),
    ]


def test_admin_login_page_has_no_inline_scripts_and_is_under_the_policy(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert inline_scripts(response.content.decode()) == []
    assert csp_directives(response)["script-src"] == ["'self'"]


def test_admin_pages_have_no_inline_scripts(admin_client, listing):
    for url in admin_urls(listing):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert inline_scripts(response.content.decode()) == [], url


def test_our_admin_templates_have_no_style_attributes(admin_client, listing):
    """Django 5.2's own admin templates have none either; ours must not add any."""
    listing.needs_review = True  # so the review queue shows its form
    listing.save()
    for url in admin_urls(listing):
        html = admin_client.get(url).content.decode()
        assert style_attributes(html) == [], url


def test_listing_change_form_loads_the_area_picker_script_from_this_site(admin_client, listing):
    html = admin_client.get(reverse("admin:directory_listing_change", args=[listing.pk])).content
    html = html.decode()
    assert 'class="selectfilter"' in html or "selectfilter" in html
    assert re.search(r'<script src="/static/admin/js/SelectFilter2[^"]*\.js"', html)


def test_review_queue_uses_admin_classes_instead_of_inline_styles(admin_client, listing):
    listing.needs_review = True
    listing.save()
    html = admin_client.get(reverse("admin:directory_listing_review")).content.decode()
    assert 'class="submit-row"' in html
    assert re.search(r'<link rel="stylesheet" href="/static/admin/css/forms[^"]*\.css"', html)


# --- Other headers -----------------------------------------------------------------


def test_referrer_stays_within_the_site(client):
    assert client.get("/").headers["Referrer-Policy"] == "same-origin"


def test_camera_microphone_location_and_payment_are_refused(client):
    assert client.get("/").headers["Permissions-Policy"] == (
        "camera=(), microphone=(), geolocation=(), payment=()"
    )


def test_permissions_policy_is_on_the_admin_and_error_pages_too(client):
    assert "Permissions-Policy" in client.get(reverse("admin:login")).headers
    assert "Permissions-Policy" in client.get("/no-such-page/").headers


def test_other_windows_cannot_reach_this_one(client):
    assert client.get("/").headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_cannot_be_framed_or_sniffed(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- No cookies for anonymous visitors ------------------------------------------------


def test_public_pages_set_no_cookies(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert not response.cookies, url
        assert "Set-Cookie" not in response.headers, url


def test_each_information_page_is_among_the_pages_checked(public_urls):
    for page in Page.objects.published():
        assert page.get_absolute_url() in public_urls


def test_report_a_problem_form_sets_only_the_csrf_cookie(client, listing):
    response = client.get(reverse("directory:report-problem", kwargs={"slug": listing.slug}))
    assert response.status_code == 200
    assert list(response.cookies) == ["csrftoken"]


def test_the_csrf_cookie_goes_when_the_browser_closes(client, listing):
    response = client.get(reverse("directory:report-problem", kwargs={"slug": listing.slug}))
    cookie = response.cookies["csrftoken"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""


# --- Production settings (a fresh interpreter, as in test_settings.py) -----------------


def production(code, **env):
    """Run ``code`` with Django's settings as ``s``, in production's environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings as s; {code}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "emrj.settings", "DJANGO_SECRET_KEY": "k", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_cookies_carry_the_host_prefix():
    assert production("print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME)") == [
        "__Host-sessionid",
        "__Host-csrftoken",
    ]


def test_production_cookies_are_secure():
    assert production("print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)") == ["True", "True"]


def test_production_cookies_meet_the_host_prefix_rules():
    """__Host- cookies must have path "/" and no domain, or browsers drop them."""
    out = production(
        "print(s.SESSION_COOKIE_PATH, s.CSRF_COOKIE_PATH, "
        "s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN)"
    )
    assert out == ["/", "/", "None", "None"]


def test_production_sends_hsts_and_redirects_to_https():
    assert production("print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)") == [
        "31536000",
        "True",
    ]


def test_secure_cookies_can_be_turned_off_for_plain_http_tests():
    out = production(
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE)",
        DJANGO_SECURE_COOKIES="0",
    )
    assert out == ["sessionid", "csrftoken", "False"]


def test_local_development_uses_plain_cookies():
    out = production("print(s.CSRF_COOKIE_NAME)", DJANGO_DEBUG="1")
    assert out == ["csrftoken"]
