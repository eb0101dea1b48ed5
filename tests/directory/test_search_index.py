"""PostgreSQL keeps each listing's search document current and searches it by index."""

import pytest
from django.db import connection

from directory.models import Listing

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the search document is PostgreSQL's"
    ),
]


def found(query):
    return set(Listing.objects.search(query).values_list("pk", flat=True))


def test_the_document_follows_every_kind_of_write(make_listing):
    listing = make_listing(name="Harbour mediation", summary="Talking things through.")
    assert found("harbour") == {listing.pk}

    listing.name = "Lighthouse mediation"
    listing.save()
    assert found("harbour") == set()
    assert found("lighthouse") == {listing.pk}

    # Bulk writes skip Python entirely; the database trigger still sees them.
    Listing.objects.filter(pk=listing.pk).update(summary="Meetings at the quayside.")
    assert found("quayside") == {listing.pk}
    [bulk] = Listing.objects.bulk_create(
        [Listing(name="Bulk", slug="bulk", organisation=listing.organisation, description="Tides")]
    )
    assert found("tide") == {bulk.pk}


def test_the_document_is_weighted_name_summary_description(make_listing):
    in_name = make_listing(name="Apology letters")
    in_summary = make_listing(summary="Apology letters, checked first.")
    in_description = make_listing(description="We help with apology letters.")

    ranked = list(Listing.objects.search("apology").values_list("pk", flat=True))
    assert ranked == [in_name.pk, in_summary.pk, in_description.pk]


def test_text_search_can_use_the_gin_index(make_listing):
    make_listing(name="Indexed")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'directory_listing_search_gin'"
        )
        [(definition,)] = cursor.fetchall()
        assert "USING gin (search_vector)" in definition
        # The table is tiny here, so forbid sequential scans to see whether the index
        # can serve the query at all (docs/performance.md shows the plan at 5,000 rows).
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Listing.objects.search("indexed").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "directory_listing_search_gin" in plan, plan
