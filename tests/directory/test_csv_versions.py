"""An import cannot undo an edit made after its file was exported.

The export writes each listing's version (it counts saves); a row that would change a
listing whose version has moved on since is refused, naming who changed it and when.
Files without the column (exported before it existed) and rows for new listings import
as before, and a row that changes nothing is never refused.
"""

import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from directory import bulk, services
from directory.models import Listing
from tests.directory.test_csv_import import (
    client_for,
    confirm,
    edited,
    export,
    problems,
    rows_of,
    snapshot,
    to_csv,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

IMPORT = "/admin/directory/listing/import/"


@pytest.fixture
def staff(staff_user):
    return client_for(staff_user)


@pytest.fixture
def listing(make_listing, areas):
    return make_listing(name="Alder Letters", slug="alder-letters", areas=[areas["leicester"]])


@pytest.fixture
def colleague(make_user):
    user = make_user("colleague")
    user.first_name, user.last_name = "Sam", "Okafor"
    user.save()
    return user


def edit_meanwhile(listing, by):
    """Someone changes ``listing`` in the admin after the export."""
    listing = Listing.objects.get(pk=listing.pk)
    listing.how_to_refer = "Ask at reception."
    listing._history_user = by
    listing.save()
    return listing.history.first()


def stale_message(record):
    when = timezone.localtime(record.history_date)
    return (
        f"This listing was changed on {when.day} {when:%B %Y at %H:%M} by Sam Okafor after "
        "the file was exported: export again and reapply your change."
    )


def test_the_export_has_each_listings_version(listing):
    Listing.objects.filter(pk=listing.pk).update(version=7)
    [row] = rows_of(export())
    assert row["version"] == "7"
    assert export().splitlines()[0].startswith("uuid,version,name,")


def test_a_row_exported_before_someone_elses_edit_is_refused(listing, staff, colleague):
    text = edited(export(), {"summary": "From the file."})
    record = edit_meanwhile(listing, colleague)
    before = snapshot()
    response = upload(staff, text)
    assert response.status_code == 400
    assert problems(response) == [(2, "version", stale_message(record))]
    assert "export again and reapply your change" in response.content.decode()
    assert snapshot() == before


def test_the_edit_is_not_undone_and_a_fresh_export_imports(listing, staff, colleague):
    text = edited(export(), {"summary": "From the file."})
    edit_meanwhile(listing, colleague)
    assert upload(staff, text).status_code == 400
    fresh = edited(export(), {"summary": "From the file."})
    assert confirm(staff, upload(staff, fresh)).status_code == 302
    listing.refresh_from_db()
    assert (listing.summary, listing.how_to_refer) == ("From the file.", "Ask at reception.")


def test_an_unchanged_row_of_an_old_export_is_not_refused(listing, staff, colleague):
    text = export()
    edit_meanwhile(listing, colleague)
    # As exported, the row would undo the edit, so it is refused…
    assert upload(staff, text).status_code == 400
    # …but a row that says what the listing says now changes nothing: no harm done.
    rows = rows_of(text)
    rows[0]["how_to_refer"] = "Ask at reception."
    response = upload(staff, to_csv(rows))
    assert response.status_code == 200
    assert response.context["plan"].unchanged == 1


def test_a_file_without_the_version_column_imports_as_before(listing, staff):
    columns = [name for name in bulk.COLUMNS if name != "version"]
    rows = [
        {name: row[name] for name in columns} | {"summary": "Old file."}
        for row in rows_of(export())
    ]
    response = confirm(staff, upload(staff, to_csv(rows, columns)))
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.summary == "Old file."


def test_an_empty_version_is_not_checked(listing, staff, colleague):
    text = edited(export(), {"summary": "No version.", "version": ""})
    edit_meanwhile(listing, colleague)
    assert confirm(staff, upload(staff, text)).status_code == 302


def test_a_new_row_copied_from_an_old_one_keeps_no_version(listing, staff, colleague):
    [row] = rows_of(export())
    edit_meanwhile(listing, colleague)
    new = {**row, "uuid": "", "slug": "", "name": "Alder Phone Line", "status": "draft"}
    preview = upload(staff, to_csv([new]))
    assert preview.status_code == 200
    assert len(preview.context["plan"].creates) == 1


@pytest.mark.parametrize(
    "version, message",
    [
        ("two", "“two” is not a version number"),
        ("²", "“²” is not a version number"),
        ("99", "This listing has never had version 99"),
    ],
)
def test_a_version_that_is_not_the_exports_is_refused(version, message, listing, staff):
    response = upload(staff, edited(export(), {"summary": "x.", "version": version}))
    assert response.status_code == 400
    [(row, column, reported)] = problems(response)
    assert (row, column) == (2, "version")
    assert message in reported


def test_an_edit_between_preview_and_confirm_shows_a_new_preview(listing, staff, colleague):
    preview = upload(staff, edited(export(), {"summary": "From the file."}))
    assert preview.status_code == 200
    record = edit_meanwhile(listing, colleague)
    before = snapshot()
    response = staff.post(IMPORT, {"payload": preview.context["payload"]})
    assert response.status_code == 400
    assert "changed after your preview" in response.content.decode()
    assert problems(response) == [(2, "version", stale_message(record))]
    assert snapshot() == before


def test_saving_a_plan_that_an_edit_overtook_saves_nothing(listing, staff_user, colleague):
    plan = bulk.read_and_plan(edited(export(), {"summary": "From the file."}))
    edit_meanwhile(listing, colleague)
    before = snapshot()
    with pytest.raises(services.ImportOutdated):
        services.listings_import(plan=plan, by=staff_user)
    assert snapshot() == before


def test_the_command_refuses_a_stale_row(listing, colleague, tmp_path):
    path = tmp_path / "listings.csv"
    path.write_text(edited(export(), {"summary": "By command."}), encoding="utf-8", newline="")
    record = edit_meanwhile(listing, colleague)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problems: nothing was imported"):
        call_command("import_listings", str(path), stderr=err)
    assert f"Row 2, column version: {stale_message(record)}" in err.getvalue()


def test_an_import_adds_one_to_the_version_of_what_it_changes(listing, make_listing, staff):
    other = make_listing(slug="other")
    versions = dict(Listing.objects.values_list("pk", "version"))
    index = [row["slug"] for row in rows_of(export())].index("alder-letters")
    confirm(staff, upload(staff, edited(export(), {"summary": "Changed."}, index=index)))
    assert Listing.objects.get(pk=listing.pk).version == versions[listing.pk] + 1
    assert Listing.objects.get(pk=other.pk).version == versions[other.pk]


# --- Under load: the check holds while another transaction edits -----------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in connection.vendor, reason="row locks: SELECT … FOR UPDATE is PostgreSQL's"
)
def test_a_confirm_waits_for_an_edit_in_progress_and_then_refuses_the_row(
    make_listing, areas, colleague
):
    # No vocabulary terms: an earlier transactional test on this worker may have flushed
    # the ones migrations seed.
    listing = make_listing(
        name="Alder Letters",
        slug="alder-letters",
        areas=[areas["leicester"]],
        audiences=(),
        age_groups=(),
        modes=(),
    )
    """The confirm checks versions with the rows locked: an edit still being saved makes
    it wait, and once that commits the row is refused instead of undoing the edit."""
    text = edited(export(), {"summary": "From the file."})
    locked, finish = threading.Event(), threading.Event()

    def edit():
        try:
            with transaction.atomic():
                Listing.objects.select_for_update().get(pk=listing.pk)
                locked.set()
                finish.wait(timeout=30)
                edit_meanwhile(listing, colleague)
        finally:
            connection.close()

    editor = threading.Thread(target=edit)
    editor.start()
    assert locked.wait(timeout=30)
    timer = threading.Timer(1.0, finish.set)  # the edit commits while the plan waits
    timer.start()
    with transaction.atomic():
        plan = bulk.read_and_plan(text, lock=True)
    editor.join(timeout=30)
    assert [(e.row, e.column) for e in plan.errors] == [(2, "version")]
    assert "by Sam Okafor" in plan.errors[0].message
