"""Information pages: staff-written Markdown is sanitised, and the seeded
pages exist, are published, render and are listed in order."""

import re

import pytest
from django.utils.html import escape

from pages.models import Page, render_markdown

pytestmark = pytest.mark.django_db

SEEDED_SLUGS = [
    "staying-safe-online",
    "what-is-restorative-justice",
    "is-it-right-for-me",
    "for-professionals",
    "about-the-forum",
    "accessibility",
    "privacy",
]

HOSTILE_BODY = """\
## Safe heading

<script>alert("script")</script>

<p onclick="alert('click')">Click me</p>

[Bad link](javascript:alert('link'))

<a href="javascript:alert('raw')">Raw bad link</a>

<iframe src="https://evil.example/"></iframe>

- First item
- Second item

[Good link](https://example.org/help)
"""


def content(response):
    return response.content.decode()


def main_of(html):
    """The page's own content, without the site's header, footer and scripts."""
    return html[html.index("<main") : html.index("</main>")]


def listed_slugs(html):
    return re.findall(r'href="/information/([\w-]+)/"', main_of(html))


@pytest.fixture
def make_page(db):
    def make(**overrides):
        values = {
            "title": "Test page",
            "slug": "test-page",
            "summary": "A page for testing.",
            "body": "Some words.",
        }
        values.update(overrides)
        return Page.objects.create(**values)

    return make


@pytest.fixture
def hostile_page(client, make_page):
    """The rendered page for a body full of things that must be stripped."""
    page = make_page(body=HOSTILE_BODY)
    return main_of(content(client.get(page.get_absolute_url())))


@pytest.fixture
def hostile_body():
    return render_markdown(HOSTILE_BODY)


# --- Sanitising --------------------------------------------------------------


def test_markdown_script_element_is_removed(hostile_body):
    assert "<script" not in hostile_body


def test_markdown_script_content_is_not_left_behind_as_text(hostile_body):
    assert 'alert("script")' not in hostile_body


def test_markdown_event_handler_attribute_is_removed(hostile_body):
    assert "onclick" not in hostile_body


def test_markdown_javascript_link_is_removed(hostile_body):
    assert "javascript:" not in hostile_body


def test_markdown_iframe_is_removed(hostile_body):
    assert "<iframe" not in hostile_body


def test_markdown_heading_survives(hostile_body):
    assert "<h2>Safe heading</h2>" in hostile_body


def test_markdown_list_survives(hostile_body):
    assert re.search(r"<ul>\s*<li>First item</li>\s*<li>Second item</li>\s*</ul>", hostile_body)


def test_markdown_link_survives(hostile_body):
    assert re.search(r'<a href="https://example.org/help"[^>]*>Good link</a>', hostile_body)


def test_markdown_links_are_marked_noopener(hostile_body):
    assert 'rel="noopener noreferrer"' in hostile_body


@pytest.mark.parametrize("href", ["mailto:help@example.org", "tel:01161234567"])
def test_markdown_mail_and_phone_links_survive(href):
    assert f'href="{href}"' in render_markdown(f"[Contact]({href})")


@pytest.mark.parametrize("tag", ["style", "img", "form", "object", "embed", "h1"])
def test_markdown_tags_outside_the_allowed_list_are_removed(tag):
    assert f"<{tag}" not in render_markdown(f"<{tag}>x</{tag}>\n\nText")


def test_markdown_data_url_link_is_removed():
    html = render_markdown("[x](data:text/html;base64,PHNjcmlwdD4=)")
    assert "data:" not in html


@pytest.mark.parametrize("marker", ["<script", "onclick", "javascript:", "<iframe", "evil.example"])
def test_information_page_never_shows_dangerous_markup(hostile_page, marker):
    assert marker not in hostile_page


def test_information_page_shows_the_safe_parts_of_the_body(hostile_page):
    assert "<h2>Safe heading</h2>" in hostile_page


def test_information_page_escapes_its_title(client, make_page):
    page = make_page(title="<script>alert(1)</script>")
    html = content(client.get(page.get_absolute_url()))
    assert escape("<script>alert(1)</script>") in html
    assert "<script>alert(1)</script>" not in html


# --- Seeded pages --------------------------------------------------------------


def test_every_seeded_page_exists():
    assert set(SEEDED_SLUGS) <= set(Page.objects.values_list("slug", flat=True))


@pytest.mark.parametrize("slug", SEEDED_SLUGS)
def test_seeded_page_is_published(slug):
    assert Page.objects.get(slug=slug).published


@pytest.mark.parametrize("slug", SEEDED_SLUGS)
def test_seeded_page_renders(client, slug):
    assert client.get(f"/information/{slug}/").status_code == 200


@pytest.mark.parametrize("slug", SEEDED_SLUGS)
def test_seeded_page_body_renders_to_html(slug):
    assert "<p>" in Page.objects.get(slug=slug).body_html()


@pytest.mark.parametrize("slug", SEEDED_SLUGS)
def test_seeded_page_body_has_no_markdown_left_unrendered(slug):
    html = Page.objects.get(slug=slug).body_html()
    assert not re.search(r"^#+ |\]\(", html, re.M)


def test_unpublished_page_is_not_found(client, make_page):
    page = make_page(published=False)
    assert client.get(page.get_absolute_url()).status_code == 404


# --- The list of pages -----------------------------------------------------------


def test_information_list_responds(client):
    assert client.get("/information/").status_code == 200


def test_information_list_shows_the_seeded_pages_in_position_order(client):
    html = content(client.get("/information/"))
    assert listed_slugs(html) == SEEDED_SLUGS


def test_information_list_follows_a_changed_position(client):
    Page.objects.filter(slug="privacy").update(position=0)
    html = content(client.get("/information/"))
    assert listed_slugs(html)[0] == "privacy"


def test_information_list_leaves_out_unpublished_pages(client):
    Page.objects.filter(slug="privacy").update(published=False)
    html = content(client.get("/information/"))
    assert "privacy" not in listed_slugs(html)


def test_information_list_shows_each_page_summary(client):
    html = content(client.get("/information/"))
    summary = Page.objects.get(slug="privacy").summary
    assert escape(summary) in html


def test_privacy_notice_says_reports_go_to_the_listings_editors():
    from pages.models import Page

    body = Page.objects.get(slug="privacy").body
    assert "to the people who keep that service's listing up to date" in body
    assert "12 months after they are closed" in body
