"""Migrations 0008 and 0009 keep every contact detail: the old fields become structured routes."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from directory.models import Listing

BEFORE = [("directory", "0007_full_text_search")]


def migrate(targets=None):
    """Migrate to ``targets``, or to the latest migrations, which the models match."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_old_contact_fields_of_listings_and_their_history_become_routes():
    old = migrate(BEFORE)
    Organisation = old.get_model("directory", "Organisation")
    OldListing = old.get_model("directory", "Listing")
    History = old.get_model("directory", "HistoricalListing")
    organisation = Organisation.objects.create(name="Alder", slug="alder", kind="voluntary")
    full = OldListing.objects.create(
        name="Full",
        slug="full",
        organisation=organisation,
        summary="A service.",
        phone="0116 496 0123",
        email="rj@example.org",
        website="https://example.org/",
        referral_form_url="https://example.org/refer",
        status="published",
        last_checked="2021-03-31",
    )
    OldListing.objects.create(
        name="Empty",
        slug="empty",
        organisation=organisation,
        summary="A service.",
        last_checked="2021-03-31",
    )
    History.objects.create(
        id=full.pk,
        uuid=full.uuid,
        name="Full",
        slug="full",
        organisation=organisation,
        summary="A service.",
        phone="0116 496 0999",
        status="draft",
        last_checked="2021-03-31",
        created=full.created,
        history_date=full.created,
        history_type="+",
    )

    migrate()  # through 0008 and 0009, to the schema the models have today

    listing = Listing.objects.get(slug="full")
    assert listing.contact_routes == [
        {"kind": "phone", "value": "0116 496 0123"},
        {"kind": "email", "value": "rj@example.org"},
        {"kind": "website", "value": "https://example.org/"},
        {"kind": "referral_form", "value": "https://example.org/refer"},
    ]
    assert Listing.objects.get(slug="empty").contact_routes == []
    assert listing.history.get().contact_routes == [{"kind": "phone", "value": "0116 496 0999"}]
    # The search index was rebuilt: the listing is found by its words.
    assert list(Listing.objects.search("full")) == [listing]
