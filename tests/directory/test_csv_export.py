"""Listings as CSV: the public download, the staff export and the export command."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from directory import bulk, vocabularies
from directory.models import Listing, Term

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

PUBLIC = "/services/download.csv"
EXPORT = "/admin/directory/listing/export.csv"
CHANGELIST = "/admin/directory/listing/"


def rows_of(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "spreadsheets need the byte order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def three_statuses(make_listing, areas):
    return {
        status: make_listing(slug=f"{status}-service", status=status, areas=[areas["rutland"]])
        for status in Listing.Status.values
    }


# --- The public download -------------------------------------------------------------


def test_the_public_download_has_only_published_listings(client, three_statuses):
    response = client.get(PUBLIC)
    assert response.status_code == 200
    assert [row["slug"] for row in rows_of(response)] == ["published-service"]


def test_the_public_download_is_a_named_csv_attachment_that_sets_no_cookies(client, three_statuses):
    response = client.get(PUBLIC)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="east-midlands-restorative-justice-')
    assert disposition.endswith('.csv"')
    assert not response.cookies


def test_the_public_download_has_every_column_in_order(client, three_statuses):
    text = client.get(PUBLIC).content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(bulk.COLUMNS)


def test_the_public_download_refuses_a_post(client):
    assert client.post(PUBLIC).status_code == 405


def test_the_search_page_links_to_the_download(client, three_statuses):
    html = client.get("/services/").content.decode()
    assert f'href="{PUBLIC}"' in html
    assert "Download all services (CSV)" in html


def add_listings(make_listing, areas, count):
    """Add ``count`` listings with values in every many-to-many field."""
    for n in range(count):
        listing = make_listing(
            areas=[areas["rutland"], areas["derby"]] if n % 2 else [areas["llr"]],
            modes=["letter-writing", "video-or-phone"],
            settings=["schools"],
            cases=["hate-crime"],
            contact_routes=[{"kind": "phone", "value": f"0116 496 0{n:03}"}],
            sources=[{"kind": "survey", "date": "2024-11-30"}],
        )
        for spec in vocabularies.TERM_FIELDS:
            terms = Term.objects.filter(vocabulary=spec.vocabulary)
            if not getattr(listing, spec.name).exists():
                getattr(listing, spec.name).set(terms[n % 2 : n % 2 + 2])


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [PUBLIC, EXPORT])
def test_the_export_makes_as_many_queries_for_50_listings_as_for_5(
    url, make_listing, areas, staff_user
):
    client = client_for(staff_user)
    add_listings(make_listing, areas, 5)
    with_five = queries_for(client, url)
    add_listings(make_listing, areas, 45)
    assert queries_for(client, url) == with_five
    rows = rows_of(client.get(url))
    assert len(rows) == 50
    assert all(row[name] for row in rows for name in vocabularies.RELATIONS)


def test_the_export_command_makes_one_query_per_many_to_many_field_and_one_more(
    make_listing, areas, django_assert_num_queries
):
    add_listings(make_listing, areas, 20)
    # The listings with their organisations, then one query per many-to-many field.
    with django_assert_num_queries(1 + len(vocabularies.RELATIONS)):
        call_command("export_listings", stdout=io.StringIO())


# --- Spreadsheet formulae ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, exported",
    [
        ('=HYPERLINK("https://example.org")', '\'=HYPERLINK("https://example.org")'),
        ("+44 116 496 0000", "'+44 116 496 0000"),
        ("-2 is a number", "'-2 is a number"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("'=already escaped by hand", "''=already escaped by hand"),
        ("Plain words = fine", "Plain words = fine"),
        ("'Tis plain", "'Tis plain"),
        ("", ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_escaped_and_unescaped_exactly(text, exported):
    assert bulk.escape_cell(text) == exported
    assert bulk.unescape_cell(exported) == text


def test_no_public_cell_starts_with_a_formula_character(client, make_listing, areas):
    make_listing(
        name="=cmd|' /C calc'!A0",
        summary="+1 for letters",
        description="-- a list\r\n- of things",
        how_to_refer="@someone",
        areas=[areas["rutland"]],
    )
    text = client.get(PUBLIC).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=cmd|' /C calc'!A0" in cells


# --- The staff export in the admin --------------------------------------------------------


def test_the_staff_export_includes_drafts_and_archived_listings(staff_user, three_statuses):
    response = client_for(staff_user).get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="emrj-listings-all-')
    assert {row["status"] for row in rows_of(response)} == {"draft", "published", "archived"}


def test_staff_can_export_the_listings_they_select(staff_user, three_statuses):
    chosen = [three_statuses["draft"], three_statuses["archived"]]
    # Archived listings are listed (and so can be ticked) when staff ask for them.
    response = client_for(staff_user).post(
        f"{CHANGELIST}?status__exact=all",
        {"action": "export_csv", "_selected_action": [x.pk for x in chosen], "index": "0"},
    )
    assert response.status_code == 200
    assert {row["slug"] for row in rows_of(response)} == {"draft-service", "archived-service"}


def test_the_changelist_offers_staff_the_export_and_import(staff_user):
    html = client_for(staff_user).get(CHANGELIST).content.decode()
    assert f'href="{EXPORT}"' in html
    assert 'href="/admin/directory/listing/import/"' in html


def test_a_provider_editor_sees_neither_button(editor_a, listing_a):
    html = client_for(editor_a).get(CHANGELIST).content.decode()
    assert "export.csv" not in html
    assert "/import/" not in html
    assert "Export selected listings as CSV" not in html


def test_a_provider_editor_cannot_reach_the_export(editor_a, listing_a):
    assert client_for(editor_a).get(EXPORT).status_code == 403


def test_a_provider_editor_cannot_export_through_the_action(editor_a, listing_a):
    response = client_for(editor_a).post(
        CHANGELIST,
        {"action": "export_csv", "_selected_action": [listing_a.pk], "index": "0"},
    )
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert "Content-Disposition" not in response


def test_an_anonymous_visitor_is_sent_to_sign_in(client, listing_a):
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_the_forum_staff_role_cannot_export(make_user, listing_a):
    from django.contrib.auth.models import Permission

    user = make_user("plain-staff")
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="directory"))
    assert client_for(user).get(EXPORT).status_code == 403


def test_a_superuser_can_export(db, listing_a):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("root", "root@example.org", "x" * 20)
    assert client_for(admin).get(EXPORT).status_code == 200


# --- The export command -------------------------------------------------------------------


def test_the_command_writes_every_listing_to_standard_output(three_statuses):
    out = io.StringIO()
    call_command("export_listings", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert {row["slug"] for row in rows} == {f"{s}-service" for s in Listing.Status.values}


def test_the_command_can_write_only_published_listings_to_a_file(three_statuses, tmp_path):
    target = tmp_path / "listings.csv"
    call_command(
        "export_listings", "--published-only", "--output", str(target), stderr=io.StringIO()
    )
    with target.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["slug"] for row in rows] == ["published-service"]


def test_the_command_says_clearly_when_it_cannot_write(three_statuses, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_listings", "--output", str(tmp_path / "no" / "such" / "dir.csv"))
