"""A CSV import is written in bulk and records exactly what saving one by one would.

Figures live in bench/import_csv.py; here: the queries do not grow with the rows, the
history (many-to-many values included) is what a save records and can be compared
and reverted to, search finds what was imported, and the page cache's version is
bumped once per import, not once per row.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from directory import bulk, search, services, vocabularies
from directory.models import Listing, Term
from sitecache.version import current_version
from tests.directory.test_csv_import import (
    client_for,
    confirm,
    edited,
    export,
    rows_of,
    to_csv,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def terms(vocabulary):
    return list(Term.objects.filter(vocabulary=vocabulary).order_by("slug"))


@pytest.fixture
def make_listings(make_listing, make_organisation, areas):
    organisation = make_organisation(
        slug="shared-org", contact_routes=[{"kind": "phone", "value": "0116 496 0999"}]
    )

    def make(count):
        return [
            make_listing(organisation=organisation, areas=[areas["leicester"]])
            for _ in range(count)
        ]

    return make


def changed_file(areas):
    """Every listing's summary, areas and delivery modes changed, and as many new ones."""
    modes = [term.slug for term in terms("delivery_mode")]
    rows = rows_of(export())
    for n, row in enumerate(rows):
        row["summary"] = f"Changed summary {n}."
        row["areas"] = "derby; rutland"
        row["delivery_modes"] = modes[n % len(modes)]
    new = [
        {**row, "uuid": "", "slug": "", "name": f"New service {n}", "version": ""}
        for n, row in enumerate(rows)
    ]
    return to_csv([*rows, *new])


def saving_queries(text, user):
    plan = bulk.read_and_plan(text)
    assert not plan.errors, plan.errors
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        services.listings_import(plan=plan, by=user)
    return len(captured)


def test_saving_makes_as_many_queries_for_20_rows_as_for_5(make_listings, areas, staff_user):
    make_listings(5)
    with_five = saving_queries(changed_file(areas), staff_user)
    Listing.objects.filter(name__startswith="New service").delete()
    make_listings(15)
    with_twenty = saving_queries(changed_file(areas), staff_user)
    assert Listing.objects.filter(name__startswith="New service").count() == 20
    assert with_twenty == with_five


def test_every_listing_gets_one_history_record_with_its_links(make_listings, areas, staff_user):
    listings = make_listings(3)
    counts = {listing.pk: listing.history.count() for listing in listings}
    confirm(client_for(staff_user), upload(client_for(staff_user), changed_file(areas)))
    added = Listing.objects.filter(name__startswith="New service")
    assert added.count() == 3
    for listing in [*Listing.objects.filter(pk__in=counts), *added]:
        records = list(listing.history.all())
        assert len(records) == counts.get(listing.pk, 0) + 1
        record = records[0]
        assert record.history_type == ("~" if listing.pk in counts else "+")
        assert record.history_user == staff_user
        assert record.history_change_reason == services.IMPORT_REASON
        assert record.summary == listing.summary
        # Every many-to-many field, as simple-history records it on a save: each link
        # row of the listing, with its own id.
        for name in vocabularies.RELATIONS:
            relation = Listing._meta.get_field(name)
            through, target = relation.remote_field.through, relation.m2m_reverse_field_name()
            live = set(through.objects.filter(listing=listing).values_list("id", f"{target}_id"))
            recorded = set(getattr(record, name).values_list("id", f"{target}_id"))
            assert recorded == live, name


def test_the_history_shows_what_the_import_changed_and_can_be_reverted(
    make_listing, areas, staff_user
):
    listing = make_listing(
        slug="alder",
        summary="Before.",
        modes=["letter-writing"],
        areas=[areas["leicester"]],
        contact_routes=[{"kind": "phone", "value": "0116 496 0123"}],
    )
    before = listing.history.first()
    text = edited(export(), {"summary": "After.", "delivery_modes": "shuttle-mediation"})
    staff = client_for(staff_user)
    confirm(staff, upload(staff, text))
    changes = services.listing_changes(listing, since=before)
    assert {label for label, _, _ in changes} == {"Summary", "How it is delivered"}
    assert ("Summary", "Before.", "After.") in changes
    services.listing_revert(listing=listing, record=before, by=staff_user)
    listing.refresh_from_db()
    assert listing.summary == "Before."
    assert [t.slug for t in listing.delivery_modes.all()] == ["letter-writing"]


def test_an_import_bumps_the_page_cache_version_once(
    make_listings, areas, staff_user, django_capture_on_commit_callbacks
):
    make_listings(4)
    staff = client_for(staff_user)
    text = changed_file(areas)
    start = current_version()
    preview = upload(staff, text)
    assert current_version() == start  # a preview saves nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(staff, preview).status_code == 302
    # 8 rows with relations changed, one bump: now and once more when it commits
    # (sitecache.version.bump_version), instead of one or more per row and field.
    assert current_version() == start + 2


def test_search_finds_what_an_import_added_and_changed(make_listings, areas, staff_user):
    [listing] = make_listings(1)
    rows = rows_of(export())
    rows[0]["summary"] = "Now offering zanzibarian mediation."
    new = {**rows[0], "uuid": "", "slug": "", "name": "Quetzalcoatl Conferencing", "version": ""}
    staff = client_for(staff_user)
    confirm(staff, upload(staff, to_csv([rows[0], new])))
    found = search.text_search(Listing.objects.all(), "zanzibarian")
    assert {item.name for item in found} == {listing.name, "Quetzalcoatl Conferencing"}
    found = search.text_search(Listing.objects.all(), "quetzalcoatl")
    assert [item.name for item in found] == ["Quetzalcoatl Conferencing"]
    # Areas changed in bulk are searched too.
    index = [row["uuid"] for row in rows_of(export())].index(str(listing.uuid))
    confirm(staff, upload(staff, edited(export(), {"areas": "rutland"}, index=index)))
    found = search.text_search(Listing.objects.all(), "rutland")
    assert [item.pk for item in found] == [listing.pk]
