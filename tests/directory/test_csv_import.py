"""Importing listings from CSV: lossless round trips, per-row checks, all or nothing."""

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from directory import bulk, vocabularies
from directory.models import Listing, Organisation
from directory.services import IMPORT_REASON

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

IMPORT = "/admin/directory/listing/import/"
RELATIONS = vocabularies.RELATIONS


# --- Helpers ----------------------------------------------------------------------------


def export(listings=None):
    stream = io.StringIO()
    bulk.write_csv(stream, Listing.objects.all() if listings is None else listings)
    return stream.getvalue()


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


def to_csv(rows, columns=bulk.COLUMNS):
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue()


def edited(text, change, *, index=0):
    """Return the CSV ``text`` with ``change`` (a dict of cells) applied to row ``index``."""
    rows = rows_of(text)
    rows[index].update(change)
    return to_csv(rows)


def versions_bumped(text):
    """Return the CSV ``text`` as an export after one change to every row's listing."""
    rows = rows_of(text)
    for row in rows:
        row["version"] = str(int(row["version"]) + 1)
    return to_csv(rows)


def content(listing):
    """Return every field the CSV carries, as the database holds it."""
    values = {name: getattr(listing, name) for name in bulk.FIELDS if name not in RELATIONS}
    values["organisation"] = listing.organisation.slug
    # Every part of every route and source; a default ("for": "everyone") may be
    # stored written out or left out, which says the same.
    for name, line_format in bulk.LINE_COLUMNS.items():
        values[name] = [vars(entry) for entry in line_format.entries(values[name])]
    for name in RELATIONS:
        values[name] = sorted(getattr(listing, name).values_list("slug", flat=True))
    return values


def snapshot():
    """Return everything an import could change, to prove that one changed nothing."""
    listings = {}
    for listing in Listing.objects.all():
        state = {f.attname: getattr(listing, f.attname) for f in Listing._meta.concrete_fields}
        state.update(content(listing))
        listings[listing.uuid] = state
    return {
        "listings": listings,
        "history": Listing.history.count(),
        "organisations": Organisation.objects.count(),
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def upload(client, data, name="listings.csv"):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data, "text/csv")})


def confirm(client, preview):
    assert preview.status_code == 200, preview.content.decode()
    return client.post(IMPORT, {"payload": preview.context["payload"]})


def problems(response):
    return [(e.row, e.column, e.message) for e in response.context["plan"].errors]


@pytest.fixture
def write(tmp_path):
    """Write CSV text to a file and return its path."""

    def write(text):
        path = tmp_path / "listings.csv"
        path.write_text(text, encoding="utf-8", newline="")
        return str(path)

    return write


@pytest.fixture
def staff(staff_user):
    return client_for(staff_user)


@pytest.fixture
def listing(make_listing, org_a, areas):
    return make_listing(
        name="Alder Letters",
        slug="alder-letters",
        organisation=org_a,
        summary="Letters between people harmed and people who caused harm.",
        description="First paragraph.\r\n\r\nSecond paragraph, with “quotes”, commas, and Café.",
        modes=["letter-writing", "video-or-phone"],
        settings=["schools"],
        cases=["hate-crime"],
        areas=[areas["leicester"], areas["rutland"]],
        self_referral=True,
        how_to_refer="Ring us.",
        contact_routes=[
            {"kind": "phone", "value": "0116 496 0123", "hours": "Monday to Friday, 9am to 5pm"},
            {"kind": "email", "value": "letters@example.org"},
            {"kind": "website", "value": "https://example.org/"},
            {
                "kind": "referral_form",
                "value": "https://example.org/refer/",
                "for": "professionals",
            },
        ],
        address="1 Example Street\nLeicester\nLE1 1ZZ",
        accreditation=Listing.Accreditation.RSQM,
        last_checked=date(2026, 3, 31),
    )


@pytest.fixture
def sample_data(db):
    """The real sample services and the fictional demonstration listings, whose contact
    details, accreditations and settings the real ones do not have."""
    call_command("load_sample_data", verbosity=0)
    call_command("generate_listings", "--demonstration", verbosity=0)


@pytest.fixture
def generated_data(db):
    call_command("loaddata", "areas", verbosity=0)
    call_command("generate_listings", 60, "--seed", "7", stdout=io.StringIO())
    call_command("generate_listings", 5, "--status", "draft", stdout=io.StringIO())
    call_command("generate_listings", 5, "--status", "archived", stdout=io.StringIO())


# --- Lossless round trips -------------------------------------------------------------------


@pytest.mark.parametrize("data", ["sample_data", "generated_data"])
def test_importing_an_unchanged_export_changes_nothing(data, request, staff):
    request.getfixturevalue(data)
    before = snapshot()
    preview = upload(staff, export())
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert (plan.creates, plan.updates, plan.errors) == ([], [], [])
    assert plan.unchanged == Listing.objects.count()
    assert "payload" not in preview.context
    assert "Nothing to import" in preview.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("data", ["sample_data", "generated_data"])
def test_an_edited_export_imports_to_exactly_that_export(data, request, staff):
    request.getfixturevalue(data)
    rows = rows_of(export())
    for n, row in enumerate(rows):
        row["summary"] = f"Summary {n}: “edited”, with commas."
    text = to_csv(rows)
    history = Listing.history.count()
    preview = upload(staff, text)
    assert len(preview.context["plan"].updates) == len(rows)
    assert confirm(staff, preview).status_code == 302
    assert export() == versions_bumped(text)
    assert Listing.history.count() == history + len(rows)


def test_generated_listings_rebuild_exactly_from_their_export(generated_data, write):
    text = export()
    originals = {listing.slug: content(listing) for listing in Listing.objects.all()}
    # Delete the listings, then add them back from the CSV as new ones.
    Listing.objects.all().delete()
    call_command("import_listings", write(edited_all(text, uuid="")), stdout=io.StringIO())
    rebuilt = {listing.slug: content(listing) for listing in Listing.objects.all()}
    assert rebuilt == originals
    # And the new listings export as the old ones did, but for their new uuids (and
    # their versions: they are new).
    assert edited_all(export(), uuid="", version="") == edited_all(text, uuid="", version="")


def edited_all(text, **change):
    rows = rows_of(text)
    for row in rows:
        row.update(change)
    return to_csv(rows)


@pytest.fixture
def awkward(make_listing, org_a, areas):
    return make_listing(
        name="=1+1 and “quotes”, commas",
        summary="+44 is not a formula here",
        description="-- a list\r\n- with CRLF line breaks\r\n\r\n@mentions and 'quotes'",
        how_to_refer="'=already starts with an apostrophe",
        address="@ The Old School\nSecond line",
        contact_routes=[
            {"kind": "phone", "value": "+44 116 496 0000", "note": "=1+1, “quoted”, commas"},
            {"kind": "email", "value": "=x@example.org"},
        ],
        organisation=org_a,
        areas=[areas["derby"]],
    )


def test_awkward_text_survives_being_rebuilt_from_the_export(awkward, write):
    before = content(awkward)
    text = export()
    Listing.objects.all().delete()
    call_command("import_listings", write(edited_all(text, uuid="")), stdout=io.StringIO())
    assert content(Listing.objects.get()) == before


def test_awkward_text_survives_an_import_that_changes_another_cell(awkward, staff):
    # Even text the admin would have trimmed, kept as it is because its cell is unchanged.
    Listing.objects.filter(pk=awkward.pk).update(address="\tIndented\nSecond line ")
    text = edited(export(), {"summary": "Changed."})
    assert upload(staff, export()).context["plan"].unchanged == 1
    confirm(staff, upload(staff, text))
    assert export() == versions_bumped(text)
    awkward.refresh_from_db()
    assert awkward.address == "\tIndented\nSecond line "


def test_the_public_download_imports_unchanged(client, listing, staff):
    public = client.get("/services/download.csv").content
    preview = upload(staff, public)
    assert preview.context["plan"].unchanged == 1
    assert not preview.context["plan"].has_changes


# --- What an import changes ---------------------------------------------------------------


def test_a_changed_cell_changes_exactly_that_listing(
    listing, make_listing, areas, staff, staff_user
):
    other = make_listing(slug="other-service", areas=[areas["derby"]])
    other_before = snapshot()["listings"][other.uuid]
    history_before = listing.history.count()
    index = [row["slug"] for row in rows_of(export())].index("alder-letters")
    preview = upload(staff, edited(export(), {"summary": "A new summary."}, index=index))
    plan = preview.context["plan"]
    assert [(c.column, c.after) for row in plan.updates for c in row.changes] == [
        ("summary", "A new summary.")
    ]
    response = confirm(staff, preview)
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.summary == "A new summary."
    assert listing.history.count() == history_before + 1
    record = listing.history.first()
    assert record.history_change_reason == IMPORT_REASON
    assert record.history_user == staff_user
    assert snapshot()["listings"][other.uuid] == other_before


def test_changing_relations_leaves_one_history_record_holding_the_new_values(listing, staff):
    history_before = listing.history.count()
    text = edited(export(), {"delivery_modes": "shuttle-mediation", "areas": "derby; rutland"})
    confirm(staff, upload(staff, text))
    assert listing.history.count() == history_before + 1
    record = listing.history.first()
    assert [t.slug for t in listing.delivery_modes.all()] == ["shuttle-mediation"]
    assert {row.term.slug for row in record.delivery_modes.all()} == {"shuttle-mediation"}
    assert {row.area.slug for row in record.areas.all()} == {"derby", "rutland"}
    assert record.history_change_reason == IMPORT_REASON


def test_order_and_spacing_of_many_values_do_not_count_as_a_change(listing, staff):
    text = edited(export(), {"delivery_modes": "video-or-phone;letter-writing ;"})
    assert upload(staff, text).context["plan"].unchanged == 1


def test_an_empty_uuid_adds_a_listing(listing, staff, staff_user):
    rows = rows_of(export())
    new = {**rows[0], "uuid": "", "name": "Alder Phone Line", "slug": "", "status": "draft"}
    preview = upload(staff, to_csv([*rows, new]))
    assert [row.values["slug"] for row in preview.context["plan"].creates] == ["alder-phone-line"]
    assert confirm(staff, preview).status_code == 302
    added = Listing.objects.get(slug="alder-phone-line")
    assert added.uuid != listing.uuid
    assert content(added) | {"name": "", "slug": "", "status": ""} == content(listing) | {
        "name": "",
        "slug": "",
        "status": "",
    }
    assert [r.history_change_reason for r in added.history.all()] == [IMPORT_REASON]
    assert added.history.first().history_user == staff_user


def test_an_import_keeps_the_review_flag_as_staff_edits_do(listing, staff):
    Listing.objects.filter(pk=listing.pk).update(needs_review=True)
    confirm(staff, upload(staff, edited(export(), {"status": "archived"})))
    listing.refresh_from_db()
    assert (listing.status, listing.needs_review) == ("archived", True)


def test_an_import_sets_the_date_last_checked(listing, staff):
    confirm(staff, upload(staff, edited(export(), {"last_checked": "01/02/2026"})))
    listing.refresh_from_db()
    assert listing.last_checked == date(2026, 2, 1)


def test_a_preview_saves_nothing(listing, staff):
    before = snapshot()
    preview = upload(staff, edited(export(), {"summary": "Changed."}))
    assert preview.context["plan"].updates
    assert snapshot() == before


def test_a_confirm_after_the_listing_changed_shows_a_new_preview(listing, staff):
    preview = upload(staff, edited(export(), {"summary": "From the file."}))
    Listing.objects.filter(pk=listing.pk).update(name="Renamed meanwhile")
    before = snapshot()
    response = confirm(staff, preview)
    assert response.status_code == 200
    assert "changed after your preview" in response.content.decode()
    assert snapshot() == before


def test_a_tampered_confirmation_is_refused(listing, staff):
    preview = upload(staff, edited(export(), {"summary": "Changed."}))
    before = snapshot()
    response = staff.post(IMPORT, {"payload": preview.context["payload"] + "x"})
    assert response.status_code == 400
    assert "Upload the file again" in response.content.decode()
    assert snapshot() == before


def test_another_users_confirmation_is_refused(listing, staff, make_user):
    from directory.roles import FORUM_STAFF

    preview = upload(staff, edited(export(), {"summary": "Changed."}))
    colleague = client_for(make_user("colleague", group=FORUM_STAFF))
    response = colleague.post(IMPORT, {"payload": preview.context["payload"]})
    assert response.status_code == 400


# --- Every row is checked; one problem and nothing is saved ----------------------------------


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("areas", "rutland; atlantis", "Unknown area: “atlantis”"),
        ("delivery_modes", "carrier-pigeon", "Unknown value for “how it is delivered”"),
        ("audiences", "letter-writing", "Unknown value for “who it is for”"),
        ("organisation", "no-such-organisation", "There is no organisation"),
        ("contact_routes", "email | not-an-email", "Line 1 (email): Enter an email address"),
        ("contact_routes", "website | not a web address", "Enter a full web address"),
        ("contact_routes", "referral_form | javascript:alert(1)", "Enter a full web address"),
        ("contact_routes", "phone | call us", "Line 1 (phone): Enter a phone number"),
        ("status", "live", "“live” is not allowed here"),
        ("accreditation", "gold", "“gold” is not allowed here"),
        ("self_referral", "maybe", "Write yes or no"),
        ("last_checked", "31st March", "Enter a date as YYYY-MM-DD"),
        ("name", "", "This field is required"),
        ("summary", "x" * 241, "at most 240 characters"),
        ("slug", "not a slug!", "valid “slug”"),
        ("slug", "other-service", "Another listing already has the slug"),
    ],
)
def test_a_bad_cell_is_reported_by_row_and_column_and_nothing_is_saved(
    column, value, message, listing, make_listing, staff
):
    make_listing(slug="other-service", status=Listing.Status.DRAFT)
    text = export()
    index = [row["slug"] for row in rows_of(text)].index("alder-letters")
    # Another row's good change must not be saved either.
    text = edited(text, {"summary": "A good change."}, index=1 - index)
    before = snapshot()
    response = upload(staff, edited(text, {column: value}, index=index))
    assert response.status_code == 400
    [(row, reported_column, reported)] = problems(response)
    assert (row, reported_column) == (index + 2, column)
    assert message in reported
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert f"<td>{index + 2}</td><td>{column}</td>" in html
    assert snapshot() == before


def test_every_problem_in_the_file_is_reported_at_once(listing, make_listing, staff):
    make_listing(slug="second")
    text = edited(export(), {"contact_routes": "email | bad\nphone | bad", "cost": "?"}, index=0)
    text = edited(text, {"areas": "nowhere"}, index=1)
    reported = [
        (row, column, message[:6]) for row, column, message in problems(upload(staff, text))
    ]
    assert sorted(reported) == [
        (2, "contact_routes", "Line 1"),
        (2, "contact_routes", "Line 2"),
        (2, "cost", "“?” is"),
        (3, "areas", "Unknow"),
    ]


def test_cells_exported_as_they_are_stay_even_if_todays_rules_refuse_them(listing, staff):
    # Saved before a rule existed, say: an unchanged export must still import.
    old = [{"kind": "phone", "value": "call reception"}]
    Listing.objects.filter(pk=listing.pk).update(contact_routes=old)
    text = export()
    assert upload(staff, text).context["plan"].unchanged == 1
    preview = upload(staff, edited(text, {"summary": "New."}))
    assert preview.status_code == 200
    confirm(staff, preview)
    listing.refresh_from_db()
    assert (listing.summary, listing.contact_routes) == ("New.", old)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"uuid": "00000000-0000-4000-8000-000000000000"}, "No listing has this uuid"),
        ({"uuid": "not-a-uuid"}, "is not a uuid"),
    ],
)
def test_a_bad_uuid_is_reported_and_nothing_is_saved(change, message, listing, staff):
    before = snapshot()
    response = upload(staff, edited(export(), {**change, "summary": "Changed."}))
    assert response.status_code == 400
    assert [(row, column) for row, column, _ in problems(response)] == [(2, "uuid")]
    assert message in problems(response)[0][2]
    assert snapshot() == before


def test_a_listing_given_twice_is_reported_and_nothing_is_saved(listing, staff):
    rows = rows_of(export())
    before = snapshot()
    response = upload(staff, to_csv([{**rows[0], "summary": "One."}, rows[0]]))
    assert response.status_code == 400
    [(row, column, message)] = problems(response)
    assert (row, column) == (3, "uuid")
    assert "Row 2 has the same uuid" in message
    assert snapshot() == before


def test_two_new_listings_with_the_same_slug_are_reported(listing, staff):
    rows = rows_of(export())
    new = {**rows[0], "uuid": "", "slug": "twin"}
    response = upload(staff, to_csv([*rows, new, new]))
    assert problems(response) == [(4, "slug", "Row 3 gives the same slug “twin”.")]


def raw_rows(text):
    return list(csv.reader(io.StringIO(text, newline="")))


def raw_csv(records):
    stream = io.StringIO()
    csv.writer(stream).writerows(records)
    return stream.getvalue()


def test_a_row_with_a_missing_cell_is_reported_not_padded(listing, staff):
    header, row = raw_rows(export())
    before = snapshot()
    # tablib would pad the short row with an empty last_checked.
    response = upload(staff, raw_csv([header, row[:-1]]))
    assert response.status_code == 400
    [(number, column, message)] = problems(response)
    assert (number, column) == (2, "")
    columns = len(bulk.COLUMNS)
    assert f"{columns - 1} cells but the header has {columns} columns" in message
    assert snapshot() == before


def test_blank_rows_are_skipped_and_row_numbers_still_match_the_spreadsheet(listing, staff):
    header, row = raw_rows(edited(export(), {"how_to_refer": "Ring us now."}))
    preview = upload(staff, raw_csv([header, [], [""] * len(header), row]))
    assert [update.row for update in preview.context["plan"].updates] == [4]


# --- Bad files ----------------------------------------------------------------------------


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(range(256))


@pytest.mark.parametrize(
    "data, message",
    [
        (PNG, "not UTF-8 text"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "spreadsheet workbook, not a CSV"),
        (b"name,summary\r\nA,B\r\n", "missing columns: uuid, slug"),
        (
            (",".join([*bulk.COLUMNS, "colour"]) + "\r\n").encode(),
            "unknown columns: colour",
        ),
        ((",".join([*bulk.COLUMNS, "name"]) + "\r\n").encode(), "repeated columns: name"),
        ((",".join(bulk.COLUMNS) + "\r\n").encode(), "a header row but no listings"),
        (b"\r\n\r\n", "The file is empty"),
        (b"uuid,name\x00,slug\r\n", "binary data"),
        (b'uuid,"name\r\n', "cannot be read as CSV"),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_saves_nothing(data, message, listing, staff):
    before = snapshot()
    response = upload(staff, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


def test_a_file_in_a_windows_encoding_is_refused(listing, staff):
    # What a spreadsheet on Windows saves as plain "CSV".
    latin1 = edited(export(), {"summary": "Café"}).encode("cp1252")
    before = snapshot()
    response = upload(staff, latin1)
    assert response.status_code == 400
    assert "not UTF-8 text" in response.content.decode()
    assert snapshot() == before


def test_an_empty_file_is_refused(listing, staff):
    response = upload(staff, b"")
    assert response.status_code == 400
    assert "The submitted file is empty" in response.content.decode()


def test_a_post_without_a_file_is_refused(listing, staff):
    response = staff.post(IMPORT, {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_a_huge_file_is_refused_before_it_is_read(listing, staff):
    huge = export() + ("x" * 1023 + "\n") * (bulk.MAX_UPLOAD_BYTES // 1024)
    before = snapshot()
    response = upload(staff, huge)
    assert response.status_code == 400
    assert "The file is too big" in response.content.decode()
    assert snapshot() == before


def test_a_byte_order_mark_and_capitalised_headers_are_accepted(listing, staff):
    text = export()
    header, rest = text.split("\r\n", 1)
    preview = upload(staff, ("\ufeff" + header.upper() + "\r\n" + rest).encode())
    assert preview.status_code == 200
    assert preview.context["plan"].unchanged == 1


# --- Who may import -------------------------------------------------------------------------


def test_the_import_page_is_for_staff(staff):
    response = staff.get(IMPORT)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_a_provider_editor_cannot_reach_the_import(editor_a, listing_a):
    editor = client_for(editor_a)
    before = snapshot()
    assert editor.get(IMPORT).status_code == 403
    text = edited(export(), {"summary": "Editor's change."})
    assert upload(editor, text).status_code == 403
    assert snapshot() == before


def test_an_anonymous_visitor_cannot_import(client, listing):
    before = snapshot()
    response = upload(client, edited(export(), {"summary": "Anonymous change."}))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert snapshot() == before


def test_staff_without_the_forum_staff_role_cannot_import(make_user, listing):
    user = make_user("plain-staff")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="directory"))
    assert client_for(user).get(IMPORT).status_code == 403


def test_forum_staff_whose_change_permission_was_removed_cannot_import(staff_user, listing):
    from django.contrib.auth.models import Group, User

    from directory.roles import FORUM_STAFF

    group = Group.objects.get(name=FORUM_STAFF)
    group.permissions.remove(Permission.objects.get(codename="change_listing"))
    user = User.objects.get(pk=staff_user.pk)  # without cached permissions
    assert client_for(user).get(IMPORT).status_code == 403


# --- The import command --------------------------------------------------------------------


def test_the_command_imports_a_file(listing, tmp_path, write):
    out = io.StringIO()
    call_command("import_listings", write(edited(export(), {"summary": "By command."})), stdout=out)
    listing.refresh_from_db()
    assert listing.summary == "By command."
    assert listing.history.first().history_change_reason == IMPORT_REASON
    assert "change “Alder Letters” (summary)" in out.getvalue()


def test_the_command_dry_run_saves_nothing(listing, write):
    before = snapshot()
    out = io.StringIO()
    path = write(edited(export(), {"summary": "Dry."}))
    call_command("import_listings", path, "--dry-run", stdout=out)
    assert "Dry run, nothing saved: 0 to add, 1 to change, 0 unchanged." in out.getvalue()
    assert snapshot() == before


def test_the_command_reports_problems_and_saves_nothing(listing, write):
    before = snapshot()
    err = io.StringIO()
    path = write(edited(export(), {"summary": "Changed.", "contact_routes": "email | nope"}))
    with pytest.raises(CommandError, match="1 problems: nothing was imported"):
        call_command("import_listings", path, stderr=err)
    assert (
        "Row 2, column contact_routes: Line 1 (email): Enter an email address like "
        "name@example.org." in err.getvalue()
    )
    assert snapshot() == before


def test_the_command_reports_a_bad_file(listing, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(PNG)
    with pytest.raises(CommandError, match="not UTF-8 text"):
        call_command("import_listings", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_listings", str(tmp_path / "missing.csv"))
