"""Seed content lives in pages/content/*.md and is only ever added where missing."""

from io import StringIO
from pathlib import Path

import frontmatter
import pytest
from django.core.management import call_command

from pages import seeding
from pages.models import Page

CONTENT = Path(__file__).resolve().parents[2] / "pages" / "content"
FILES = sorted(CONTENT.glob("*.md"))

pytestmark = pytest.mark.django_db


def load_content():
    out = StringIO()
    call_command("load_content", stdout=out)
    return out.getvalue()


def test_every_content_file_is_a_published_page_made_from_it():
    assert len(FILES) >= 7
    for path in FILES:
        page = Page.objects.get(seed_key=path.stem)
        post = frontmatter.load(path)
        assert page.slug == path.stem
        assert page.title == post["title"]
        assert page.body == post.content.strip() + "\n"
        assert page.published
        page.full_clean()


def test_the_menu_and_footer_pages_all_come_from_files():
    from pages.protection import menu_slugs

    assert menu_slugs() <= {path.stem for path in FILES}
    assert {"privacy", "accessibility", "staying-safe-online"} <= {
        page.slug for page in Page.objects.in_footer()
    }


def test_loading_again_adds_and_changes_nothing():
    before = list(Page.objects.values_list("pk", "slug", "body", "updated"))
    history = Page.history.count()

    output = load_content()

    assert "0 added" in output
    assert list(Page.objects.values_list("pk", "slug", "body", "updated")) == before
    assert Page.history.count() == history


def test_a_page_staff_edited_renamed_or_unpublished_is_never_written_over():
    edited = Page.objects.get(slug="about-the-forum")
    edited.body = "Our own words."
    edited.save()
    moved = Page.objects.get(slug="accessibility")
    moved.slug, moved.show_in_footer, moved.published = "how-accessible-we-are", False, False
    moved.save()

    load_content()

    assert Page.objects.get(pk=edited.pk).body == "Our own words."
    assert not Page.objects.filter(slug="accessibility").exists()
    assert Page.objects.get(pk=moved.pk).published is False


def test_a_missing_page_is_added_again_with_its_first_version():
    Page.objects.filter(slug="staying-safe-online").delete()

    output = load_content()

    page = Page.objects.get(slug="staying-safe-online")
    assert "staying-safe-online: added" in output and "1 added" in output
    assert page.seed_key == "staying-safe-online"
    assert page.history.get().history_change_reason == (
        "Added from pages/content/staying-safe-online.md"
    )


def test_a_page_staff_wrote_at_a_files_address_is_kept_and_the_clash_reported():
    # What a seed migration once did: a page staff had written was overwritten.
    Page.objects.filter(slug="privacy").delete()
    ours = Page.objects.create(
        slug="privacy", title="Our privacy notice", summary="Ours.", body="Written by staff."
    )

    output = load_content()

    ours.refresh_from_db()
    assert (ours.title, ours.body, ours.seed_key) == ("Our privacy notice", "Written by staff.", "")
    assert Page.objects.filter(slug="privacy").count() == 1
    assert "privacy: not added, because a page staff wrote already has" in output


def test_migrate_loads_what_is_missing():
    Page.objects.filter(slug="for-professionals").delete()

    call_command("migrate", verbosity=0)

    assert Page.objects.filter(slug="for-professionals", seed_key="for-professionals").exists()


def test_the_outcomes_say_what_happened_to_each_file():
    Page.objects.filter(slug="about-the-forum").delete()
    outcomes = {o.path.stem: o.status for o in seeding.load(only=[Page])}
    assert outcomes["about-the-forum"] == seeding.ADDED
    assert outcomes["privacy"] == seeding.KEPT
