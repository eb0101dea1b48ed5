"""Migration 0007 marks the pages earlier migrations seeded, so loading the content files
afterwards adds none of them twice and overwrites none of staff's edits."""

import pytest
from django.core.management import call_command

from pages.models import Page

from ..directory.test_migration_contact_routes import migrate

BEFORE = [("pages", "0006_page_history")]


@pytest.mark.django_db(transaction=True)
def test_pages_seeded_by_migrations_are_recognised_and_left_as_staff_edited_them():
    old = migrate(BEFORE)
    OldPage = old.get_model("pages", "Page")
    OldPage.objects.all().delete()
    OldPage.objects.create(
        slug="privacy", title="Privacy notice", summary="s", body="Edited by staff.", position=6
    )
    OldPage.objects.create(slug="our-own", title="Our own", summary="s", body="Staff wrote this.")

    migrate()
    call_command("load_content", verbosity=0)

    privacy = Page.objects.get(slug="privacy")
    assert (privacy.seed_key, privacy.body) == ("privacy", "Edited by staff.")
    assert Page.objects.get(slug="our-own").seed_key == ""
    assert Page.objects.filter(slug="privacy").count() == 1
    # The seeded pages that were missing come back from their files.
    assert Page.objects.filter(slug="staying-safe-online", seed_key="staying-safe-online").exists()
