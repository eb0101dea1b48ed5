"""The CSV carries the ways to get in touch, the RJ facts and the sources of a listing.

Every field added for issue 12 goes out in the export and back in through the
import without a change, and a bad cell in any of them is reported by row and
column with a message that says what to write instead.
"""

import csv
import io
import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory import bulk, contacts, vocabularies
from directory.models import Listing, Term
from tests.directory.test_csv_import import (
    client_for,
    confirm,
    content,
    edited,
    edited_all,
    export,
    problems,
    rows_of,
    snapshot,
    upload,
    versions_bumped,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

SHARED_ROUTES = [
    {"kind": "phone", "value": "0116 496 0999", "hours": "Monday to Friday, 9am to 5pm"},
    {"kind": "website", "value": "https://example.org/"},
]
OWN_ROUTES = [
    {
        "kind": "phone",
        "value": "0116 496 0123",
        "for": "public",
        "hours": "Monday to Thursday, 10am to 4pm",
        "note": "=Leave a message, “we call back”, within a day",
    },
    {"kind": "text", "value": "07700 900123", "for": "public"},
    {"kind": "email", "value": "referrals@example.org", "for": "professionals", "note": "-secure"},
    {"kind": "referral_form", "value": "https://example.org/refer/", "for": "professionals"},
    {"kind": "ask_professional", "note": "@Ask your victim care officer"},
]
OWN_ROUTES_TEXT = "\n".join(
    [
        "phone | 0116 496 0123 | public | Monday to Thursday, 10am to 4pm"
        " | =Leave a message, “we call back”, within a day",
        "text | 07700 900123 | public",
        "email | referrals@example.org | professionals |  | -secure",
        "referral_form | https://example.org/refer/ | professionals",
        "ask_professional |  | everyone |  | @Ask your victim care officer",
    ]
)
SOURCES = [
    {
        "kind": "service",
        "title": "Our service, a leaflet",
        "url": "https://example.org/leaflet.pdf",
        "date": "2024-05-01",
    },
    {"kind": "survey", "title": "Forum survey of services", "date": "2023-11-30"},
    {"kind": "staff", "date": "2025-01-15"},
]
SOURCES_TEXT = "\n".join(
    [
        "service | 2024-05-01 | Our service, a leaflet | https://example.org/leaflet.pdf",
        "survey | 2023-11-30 | Forum survey of services",
        "staff | 2025-01-15",
    ]
)


def terms_of(vocabulary, *, skip=0, count=2):
    return list(Term.objects.filter(vocabulary=vocabulary)[skip : skip + count])


def set_every_term_field(listing):
    """Give the listing terms in every vocabulary field; the offences it does not take
    on differ from those it takes on."""
    for spec in vocabularies.TERM_FIELDS:
        skip = 2 if spec.name == "excluded_offence_types" else 0
        getattr(listing, spec.name).set(terms_of(spec.vocabulary, skip=skip))


@pytest.fixture
def staff(staff_user):
    return client_for(staff_user)


@pytest.fixture
def write(tmp_path):
    def write(text):
        path = tmp_path / "listings.csv"
        path.write_text(text, encoding="utf-8", newline="")
        return str(path)

    return write


@pytest.fixture
def shared_organisation(make_organisation):
    return make_organisation(
        name="Example Mediation", slug="example-mediation", contact_routes=SHARED_ROUTES
    )


@pytest.fixture
def full(make_listing, shared_organisation, areas):
    """A listing that uses every field issue 12 added."""
    listing = make_listing(
        name="Example Restorative Letters",
        slug="example-restorative-letters",
        organisation=shared_organisation,
        areas=[areas["leicester"]],
        how_to_refer="Fill in the form, or ask the person supporting you to.",
        contact_routes=OWN_ROUTES,
        interpreters="yes",
        typical_wait="Usually within two weeks",
        cost="free",
        accreditation=Listing.Accreditation.RJC_REGISTERED,
        accreditation_date=date(2025, 6, 30),
        sources=SOURCES,
        last_checked=date(2025, 7, 1),
    )
    set_every_term_field(listing)
    return listing


@pytest.fixture
def bare(make_listing, make_organisation, areas):
    """A published listing with no way to get in touch, of an organisation with none."""
    organisation = make_organisation(slug="no-contact-organisation")
    return make_listing(
        slug="bare-service",
        organisation=organisation,
        areas=[areas["rutland"]],
        contact_routes=[],
    )


def cells_of(listing):
    [row] = [row for row in rows_of(export()) if row["uuid"] == str(listing.uuid)]
    return row


# --- What the export holds ----------------------------------------------------------------


def test_the_export_has_a_column_for_every_term_field_and_every_new_field():
    for name in [
        *vocabularies.FIELD_NAMES,
        "contact_routes",
        "interpreters",
        "typical_wait",
        "cost",
        "accreditation_date",
        "sources",
    ]:
        assert name in bulk.COLUMNS


def test_routes_and_sources_are_exported_one_per_line(full):
    row = cells_of(full)
    assert row["contact_routes"] == OWN_ROUTES_TEXT
    assert row["sources"] == SOURCES_TEXT
    assert (row["interpreters"], row["typical_wait"], row["cost"]) == (
        "yes",
        "Usually within two weeks",
        "free",
    )
    assert (row["accreditation"], row["accreditation_date"]) == ("rjc_registered", "2025-06-30")


def test_every_term_field_is_exported_by_slug(full):
    row = cells_of(full)
    for spec in vocabularies.TERM_FIELDS:
        slugs = sorted(getattr(full, spec.name).values_list("slug", flat=True))
        assert slugs, spec.name
        assert sorted(row[spec.name].split(bulk.SEPARATOR)) == slugs
    assert row["offence_types"] != row["excluded_offence_types"]


def test_the_organisations_shared_routes_are_not_exported_with_each_listing(full):
    row = cells_of(full)
    assert "0116 496 0999" not in row["contact_routes"]
    assert "website" not in row["contact_routes"]
    # The listing still shows them: its own routes do not include a website.
    assert "https://example.org/" in [route.value for route in full.routes()]


def test_a_listing_without_routes_of_its_own_exports_an_empty_cell(make_listing, areas):
    listing = make_listing(areas=[areas["derby"]], contact_routes=[])
    assert cells_of(listing)["contact_routes"] == ""


def test_a_route_note_that_looks_like_a_formula_leaves_the_cell_safe(full):
    text = export()
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


# --- Round trips ------------------------------------------------------------------------------


def test_an_export_using_every_new_field_imports_with_no_changes(full, staff):
    before = snapshot()
    preview = upload(staff, export())
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert (plan.creates, plan.updates, plan.errors) == ([], [], [])
    assert plan.unchanged == 1
    assert snapshot() == before


def test_a_listing_using_every_new_field_rebuilds_exactly_from_its_export(full, write):
    before = content(full)
    text = export()
    Listing.objects.all().delete()
    call_command("import_listings", write(edited_all(text, uuid="")), stdout=io.StringIO())
    rebuilt = Listing.objects.get()
    assert content(rebuilt) == before
    # Formula-like notes come back exactly, with no apostrophe added or lost.
    notes = [route.note for route in rebuilt.routes()]
    assert "=Leave a message, “we call back”, within a day" in notes
    assert "-secure" in notes and "@Ask your victim care officer" in notes
    # Only the listing's own routes were stored; the organisation's are still shared.
    assert contacts.routes(rebuilt.contact_routes) == contacts.routes(OWN_ROUTES)
    assert rebuilt.organisation.contact_routes == SHARED_ROUTES
    assert edited_all(export(), uuid="", version="") == edited_all(text, uuid="", version="")


def test_importing_the_export_does_not_copy_shared_routes_onto_the_listing(full, staff):
    confirm(staff, upload(staff, edited(export(), {"summary": "Changed."})))
    full.refresh_from_db()
    assert full.contact_routes == OWN_ROUTES


def test_writing_out_a_default_that_is_stored_left_out_is_not_a_change(full, staff):
    Listing.objects.filter(pk=full.pk).update(
        contact_routes=[{"kind": "phone", "value": "0116 496 0123"}],
        sources=[{"kind": "staff", "date": "2025-01-15"}],
    )
    text = edited(
        export(),
        {
            "contact_routes": "phone | 0116 496 0123 | everyone |  | ",
            "sources": "staff | 2025-01-15 |  | ",
        },
    )
    assert upload(staff, text).context["plan"].unchanged == 1


NEW_VALUES = {
    "contact_routes": "phone | 0116 496 0456 | everyone | Weekdays, 9am to 1pm | Ask for Sam\n"
    "website | https://example.org/letters/",
    "sources": "document | 2022-03-31 | Forum annual report | https://example.org/report.pdf",
    "interpreters": "no",
    "typical_wait": "About a month",
    "cost": "charge",
    "accreditation_date": "2024-01-31",
}


def test_every_new_column_can_be_changed_by_an_import(full, staff):
    change = dict(NEW_VALUES)
    for spec in vocabularies.TERM_FIELDS:
        skip = 3 if spec.name == "excluded_offence_types" else 1
        [term] = terms_of(spec.vocabulary, skip=skip, count=1)
        change[spec.name] = term.slug
    text = edited(export(), change)
    preview = upload(staff, text)
    [update] = preview.context["plan"].updates
    assert {c.column for c in update.changes} == set(change)
    assert "Ask for Sam" in preview.content.decode()
    assert confirm(staff, preview).status_code == 302
    assert export() == versions_bumped(text)
    full.refresh_from_db()
    assert contacts.routes(full.contact_routes) == [
        contacts.ContactRoute(
            "phone", "0116 496 0456", "everyone", "Weekdays, 9am to 1pm", "Ask for Sam"
        ),
        contacts.ContactRoute("website", "https://example.org/letters/"),
    ]
    assert full.sources == [
        {
            "kind": "document",
            "title": "Forum annual report",
            "url": "https://example.org/report.pdf",
            "date": "2022-03-31",
        }
    ]
    assert (full.interpreters, full.typical_wait, full.cost) == ("no", "About a month", "charge")
    assert full.accreditation_date == date(2024, 1, 31)
    assert [t.slug for t in full.stages.all()] == [change["stages"]]


def test_empty_cells_clear_the_new_fields(full, staff):
    blank = {name: "" for name in NEW_VALUES}
    blank |= {"offence_types": "", "excluded_offence_types": "", "prisons": ""}
    # Its organisation's shared routes still give a way to get in touch.
    confirm(staff, upload(staff, edited(export(), blank)))
    full.refresh_from_db()
    assert (full.contact_routes, full.sources, full.interpreters, full.cost) == ([], [], "", "")
    assert full.accreditation_date is None
    assert not full.excluded_offence_types.exists()
    assert full.has_route


# --- Bad cells --------------------------------------------------------------------------------


def future_day():
    return (date.today() + timedelta(days=400)).isoformat()


BAD_CELLS = [
    ("contact_routes", "fax | 0116 496 0123", "Line 1: “fax” is not a kind of contact. Use one of"),
    ("contact_routes", "phone | call us", "Line 1 (phone): Enter a phone number"),
    (
        "contact_routes",
        "website | https://example.org/\nemail | nobody-at-example.org",
        "Line 2 (email): Enter an email address like name@example.org",
    ),
    ("contact_routes", "website | ftp://example.org/", "Enter a full web address starting https"),
    ("contact_routes", "referral_form | javascript:alert(1)", "Enter a full web address"),
    (
        "contact_routes",
        "phone | 0116 496 0123 | everyone | 9am to 5pm | Ask for Sam | extra",
        "Line 1: use at most five parts: kind | details | for | hours | note",
    ),
    (
        "contact_routes",
        "\n".join(f"phone | 0116 496 0{n:03} " for n in range(11)),
        "Give at most 10 ways to get in touch",
    ),
    ("contact_routes", "ask_professional | 0116 496 0123", "Leave the number or address empty"),
    ("contact_routes", "email", "Line 1 (email): Enter the email details"),
    (
        "contact_routes",
        "email | letters@example.org | everyone | 9am to 5pm",
        "Opening hours are for a phone or text number only",
    ),
    (
        "contact_routes",
        "phone | 0116 496 0123 | carers",
        "Write everyone, public, professionals, or leave it empty",
    ),
    ("sources", "rumour | 2024-01-01 | Heard it", "“rumour” is not a kind of source"),
    ("sources", "survey | 31 March 2024 | Survey", "Line 1 (survey): Enter a real date"),
    ("sources", "survey |  | Survey", "Enter the date of the source"),
    ("sources", f"survey | {future_day()} | Survey", "cannot be in the future"),
    ("sources", "service | 2024-01-01 | Page | javascript:alert(1)", "Enter a full web address"),
    (
        "sources",
        "service | 2024-01-01 | Page | https://example.org/ | extra",
        "Line 1: use at most 4 parts: kind | date | title | link",
    ),
    ("sources", "survey | 2024-01-01 | " + "x" * 201, "Keep the title to 200 characters"),
    ("offence_types", "arson", "Unknown value for “offences and harm taken on”: “arson”"),
    ("excluded_offence_types", "violence; arson", "“offences and harm not taken on”: “arson”"),
    ("stages", "after-trial", "Unknown value for “stage of the case”"),
    ("referrers", "anyone", "Unknown value for “who can ask for it”"),
    ("prisons", "hmp-nowhere", "Unknown value for “prisons”"),
    ("languages", "klingon", "Unknown value for “languages”"),
    ("interpreters", "maybe", "“maybe” is not allowed here: write yes, no or leave it empty"),
    ("cost", "£5", "“£5” is not allowed here: write free, charge or leave it empty"),
    ("accreditation_date", "June 2025", "Enter a date as YYYY-MM-DD"),
    ("typical_wait", "x" * 121, "at most 120 characters"),
    ("how_to_refer", "Ring us on 0116 496 0123.", "Take the phone number or email address out"),
    ("how_to_refer", "Email refer@example.org.", "Take the phone number or email address out"),
    ("description", "Call 01164960123 today.", "Take the phone number or email address out"),
]


@pytest.mark.parametrize("column, value, message", BAD_CELLS)
def test_a_bad_new_cell_is_reported_by_row_and_column_and_nothing_is_saved(
    column, value, message, full, make_listing, areas, staff
):
    make_listing(slug="other-service", areas=[areas["derby"]])
    text = export()
    index = [row["uuid"] for row in rows_of(text)].index(str(full.uuid))
    # Another row's good change must not be saved either.
    text = edited(text, {"summary": "A good change."}, index=1 - index)
    before = snapshot()
    response = upload(staff, edited(text, {column: value}, index=index))
    assert response.status_code == 400
    [(row, reported_column, reported)] = problems(response)
    assert (row, reported_column) == (index + 2, column)
    assert message in reported
    assert f"<td>{index + 2}</td><td>{column}</td>" in response.content.decode()
    assert snapshot() == before


def test_a_new_row_with_bad_routes_is_reported_too(full, staff):
    rows = rows_of(export())
    new = {**rows[0], "uuid": "", "slug": "", "name": "New", "contact_routes": "phone | x"}
    response = upload(staff, edited(export(), {}) + bulk_line(new))
    assert response.status_code == 400
    assert [(row, column) for row, column, _ in problems(response)] == [(3, "contact_routes")]


def bulk_line(row):
    stream = io.StringIO()
    csv.DictWriter(stream, fieldnames=bulk.COLUMNS).writerow(row)
    return stream.getvalue()


# --- Phone numbers in free text ------------------------------------------------------------


def test_old_free_text_with_a_phone_number_is_kept_while_its_cell_is_unchanged(full, staff):
    # Written before the rule, say: an unchanged cell must not block the import.
    old = "Ring 0116 496 0123 and ask for the team."
    Listing.objects.filter(pk=full.pk).update(how_to_refer=old)
    text = export()
    assert upload(staff, text).context["plan"].unchanged == 1
    preview = upload(staff, edited(text, {"summary": "Changed."}))
    assert preview.status_code == 200
    assert [c.column for c in preview.context["plan"].updates[0].changes] == ["summary"]
    confirm(staff, preview)
    full.refresh_from_db()
    assert (full.summary, full.how_to_refer) == ("Changed.", old)


def test_changing_old_free_text_to_another_phone_number_is_refused(full, staff):
    Listing.objects.filter(pk=full.pk).update(how_to_refer="Ring 0116 496 0123.")
    response = upload(staff, edited(export(), {"how_to_refer": "Ring 0116 496 0777."}))
    assert response.status_code == 400
    [(row, column, message)] = problems(response)
    assert (row, column) == (2, "how_to_refer")
    assert "Ways to get in touch" in message


# --- A published listing needs a way to get in touch ---------------------------------------


def test_emptying_the_routes_of_a_published_listing_with_no_shared_ones_is_refused(bare, staff):
    Listing.objects.filter(pk=bare.pk).update(contact_routes=OWN_ROUTES[:1])
    before = snapshot()
    response = upload(staff, edited(export(), {"contact_routes": ""}))
    assert response.status_code == 400
    [(row, column, message)] = problems(response)
    assert (row, column) == (2, "contact_routes")
    assert "needs at least one way to get in touch" in message
    assert "or set status to draft" in message
    assert snapshot() == before


def test_publishing_a_draft_with_no_way_to_get_in_touch_is_refused(bare, staff):
    Listing.objects.filter(pk=bare.pk).update(status=Listing.Status.DRAFT)
    response = upload(staff, edited(export(), {"status": "published"}))
    assert response.status_code == 400
    [(row, column, message)] = problems(response)
    assert (row, column) == (2, "status")
    assert "neither this listing nor its organisation has one" in message


def test_a_new_published_row_with_no_way_to_get_in_touch_is_refused(bare, staff):
    rows = rows_of(export())
    new = {**rows[0], "uuid": "", "slug": "another", "name": "Another"}
    response = upload(staff, edited(export(), {}) + bulk_line(new))
    assert [(row, column) for row, column, _ in problems(response)] == [(3, "status")]


def test_moving_a_listing_to_an_organisation_with_no_routes_is_refused(full, bare, staff):
    Listing.objects.filter(pk=full.pk).update(contact_routes=[])
    text = export()
    index = [row["uuid"] for row in rows_of(text)].index(str(full.uuid))
    response = upload(staff, edited(text, {"organisation": "no-contact-organisation"}, index=index))
    assert [(row, column) for row, column, _ in problems(response)] == [
        (index + 2, "contact_routes")
    ]


def test_a_listing_may_rely_on_its_organisations_shared_routes(full, staff):
    preview = upload(staff, edited(export(), {"contact_routes": ""}))
    assert preview.status_code == 200
    assert confirm(staff, preview).status_code == 302


def test_a_draft_needs_no_way_to_get_in_touch(bare, staff):
    preview = upload(staff, edited(export(), {"status": "draft"}))
    assert preview.status_code == 200
    confirm(staff, preview)
    bare.refresh_from_db()
    assert bare.status == "draft"


def test_a_published_listing_already_without_routes_can_still_be_edited(bare, staff):
    # Left from before the rule: the import does not make things worse, so it is kept.
    assert upload(staff, export()).context["plan"].unchanged == 1
    preview = upload(staff, edited(export(), {"summary": "Changed."}))
    assert preview.status_code == 200
    confirm(staff, preview)
    bare.refresh_from_db()
    assert bare.summary == "Changed."


# --- The help page -----------------------------------------------------------------------------


def test_the_import_page_explains_the_new_columns_with_examples(staff):
    html = staff.get("/admin/directory/listing/import/").content.decode()
    for column in ["contact_routes", "sources", "interpreters", "cost", "accreditation_date"]:
        assert f"<code>{column}</code>" in html
    for spec in vocabularies.TERM_FIELDS:
        assert f"<code>{spec.name}</code>" in html
    assert "kind | details | for | hours | note" in html
    assert "kind | date | title | link" in html
    assert "0116 496 0" in html
    assert "example.org" in html


def test_the_examples_on_the_import_page_import_as_they_are(full, staff):
    html = staff.get("/admin/directory/listing/import/").content.decode()
    examples = [unescape(block) for block in re.findall(r"<pre>(.*?)</pre>", html, re.S)]
    [routes] = [text for text in examples if text.startswith("phone |") and "\n" in text]
    [sources] = [text for text in examples if text.startswith("service |") and "\n" in text]
    text = edited(export(), {"contact_routes": routes, "sources": sources})
    preview = upload(staff, text)
    assert preview.status_code == 200, problems(preview)
    confirm(staff, preview)
    full.refresh_from_db()
    assert len(full.contact_routes) == routes.count("\n") + 1
    assert len(full.sources) == sources.count("\n") + 1


def planning_queries(text):
    with CaptureQueriesContext(connection) as captured:
        plan = bulk.read_and_plan(text)
    assert not plan.errors, plan.errors
    return len(captured), plan


def test_checking_an_import_makes_as_many_queries_for_50_rows_as_for_5(
    make_listing, shared_organisation, areas
):
    def add(count):
        for _ in range(count):
            listing = make_listing(
                organisation=shared_organisation,
                areas=[areas["leicester"]],
                contact_routes=OWN_ROUTES,
                sources=SOURCES,
            )
            set_every_term_field(listing)

    add(5)
    with_five, _ = planning_queries(edited_all(export(), summary="Changed."))
    add(45)
    with_fifty, plan = planning_queries(edited_all(export(), summary="Changed."))
    assert len(plan.updates) == 50
    assert with_fifty == with_five


def test_taking_on_an_offence_the_listing_does_not_take_on_is_refused(full, staff):
    # Only offence_types changes: the unchanged excluded_offence_types still counts.
    text = export()
    index = [row["uuid"] for row in rows_of(text)].index(str(full.uuid))
    excluded = rows_of(text)[index]["excluded_offence_types"]
    assert excluded
    before = snapshot()
    response = upload(staff, edited(text, {"offence_types": excluded}, index=index))
    assert response.status_code == 400
    [(row, column, message)] = problems(response)
    assert (row, column) == (index + 2, "offence_types")
    assert "cannot be both taken on and not taken on" in message
    assert snapshot() == before


def test_an_offence_both_taken_on_and_not_taken_on_is_refused(full, staff):
    text = export()
    index = [row["uuid"] for row in rows_of(text)].index(str(full.uuid))
    taken = rows_of(text)[index]["offence_types"]
    assert taken
    before = snapshot()
    response = upload(staff, edited(text, {"excluded_offence_types": taken}, index=index))
    assert response.status_code == 400
    [(row, column, message)] = problems(response)
    assert (row, column) == (index + 2, "excluded_offence_types")
    assert "cannot be both taken on and not taken on" in message
    assert snapshot() == before
