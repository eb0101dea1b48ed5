"""Bulk data: listings as CSV, and an import from the same format.

An import is checked whole before anything is saved. Problems with the file itself
(not UTF-8, too big, a wrong header) stop it at once; then every row goes through
the model's own validation (the rules the admin applies), and every problem is
reported by row and column. Only a file without a single problem can be imported,
and then in one transaction (``services.listings_import``).

Why the standard library's ``csv`` module, not django-import-export or tablib: both
read CSV through tablib, which pads a short row with empty cells (a truncated row
would silently blank a listing's fields) and drops blank lines (so row numbers in
error messages drift from the spreadsheet's). django-import-export's
ManyToManyWidget also ignores unknown values instead of reporting them, and it
would create a listing for a uuid that does not exist. Checking all that on top of
them would be more code than reading rows with ``csv`` and validating each with a
ModelForm, which gives the admin's own per-field messages.
"""

import csv
import hashlib
import io
import json
import re
import uuid
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from .models import Area, Listing, Organisation, Term

TERM_COLUMNS = {
    "audiences": Term.Vocabulary.AUDIENCE,
    "age_groups": Term.Vocabulary.AGE_GROUP,
    "delivery_modes": Term.Vocabulary.DELIVERY_MODE,
    "settings": Term.Vocabulary.SETTING,
    "case_types": Term.Vocabulary.CASE_TYPE,
}
MANY_COLUMNS = [*TERM_COLUMNS, "areas"]
# The admin's field order, after the uuid that identifies a row's listing.
COLUMNS = [
    "uuid",
    "name",
    "slug",
    "organisation",
    "summary",
    "description",
    *MANY_COLUMNS,
    "self_referral",
    "how_to_refer",
    "referral_form_url",
    "phone",
    "email",
    "website",
    "address",
    "status",
    "accreditation",
    "last_checked",
]
FIELDS = COLUMNS[1:]
SEPARATOR = "; "
# Far above any real directory (500 listings make about 400 KB), far below harm.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]  # ISO, and what a UK spreadsheet saves

# --- Spreadsheet formulae ----------------------------------------------------------
# A spreadsheet runs a cell starting with = + - @ (or a tab or carriage return) as a
# formula, so text that visitors download must not start with one. The export puts an
# apostrophe before such a cell (spreadsheets show it as text) and the import takes one
# apostrophe off again. A cell that already starts with apostrophes before such a
# character gets one more, so every value survives the round trip exactly.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def escape_cell(text):
    return f"'{text}" if _FORMULA.match(text) else text


def unescape_cell(text):
    return text[1:] if text.startswith("'") and _FORMULA.match(text) else text


# --- Export ------------------------------------------------------------------------


def for_export(listings):
    """Fetch everything the CSV shows, in a fixed number of queries."""
    return (
        listings.select_related("organisation")
        .prefetch_related(*MANY_COLUMNS)
        .order_by("name", "pk")
    )


def render(name, value):
    """Return a column's value as the text the CSV holds."""
    if name in MANY_COLUMNS:
        return SEPARATOR.join(obj.slug for obj in value)
    if name == "organisation":
        return value.slug
    if name == "self_referral":
        return "yes" if value else "no"
    if name == "last_checked":
        return value.isoformat()
    return str(value)


def listing_cells(listing):
    """Return ``{column: text}`` for one listing (many-to-many fields prefetched)."""
    cells = {}
    for name in COLUMNS:
        value = getattr(listing, name)
        cells[name] = render(name, value.all() if name in MANY_COLUMNS else value)
    return cells


def write_csv(stream, listings, *, byte_order_mark=False):
    """Write ``listings`` to the text ``stream`` as CSV, header first.

    The byte order mark tells spreadsheets (Excel above all) that the file is UTF-8.
    """
    if byte_order_mark:
        stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    for listing in for_export(listings).iterator(chunk_size=1000):
        cells = listing_cells(listing)
        writer.writerow([escape_cell(cells[name]) for name in COLUMNS])


def csv_response(listings, filename):
    """Return ``listings`` as a CSV download named ``filename``."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_csv(response, listings, byte_order_mark=True)
    return response


# --- Reading a file ------------------------------------------------------------------


class FileProblem(Exception):
    """The file as a whole cannot be imported; the message says why."""


@dataclass
class Row:
    number: int  # as a spreadsheet numbers it: the header is row 1
    cells: list


def decode(data):
    """Return the text of an uploaded file, or raise FileProblem."""
    if not data:
        raise FileProblem("The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileProblem(
            f"The file is too big ({len(data) / 1024 / 1024:.1f} MB): the most "
            f"is {MAX_UPLOAD_BYTES // 1024 // 1024} MB."
        )
    if data.startswith(b"PK\x03\x04"):
        raise FileProblem(
            "This is a spreadsheet workbook, not a CSV file. In the spreadsheet, "
            "choose “Save as” and “CSV UTF-8”, then upload that file."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read). "
            "Save it as “CSV UTF-8” and upload it again."
        ) from None
    if "\x00" in text:
        raise FileProblem("The file holds binary data: it is not a CSV file.")
    return text


def parse(text):
    """Return the header's column names and the non-blank rows, or raise FileProblem."""
    # The default cell limit (128 KB) is below the file limit; a long description
    # that the export wrote must import again.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_UPLOAD_BYTES))
    # Strict: a stray quote is an error to report, not text to guess at.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error as error:
        raise FileProblem(
            f"Line {reader.line_num} cannot be read as CSV ({error}). "
            "Check it is a CSV file exported from this directory."
        ) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise FileProblem("The file is empty: the first row must name the columns.")
    names = [cell.strip().lower() for cell in records[0]]
    check_header(names)
    rows = [
        Row(number, [unescape_cell(cell) for cell in record])
        for number, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]
    if not rows:
        raise FileProblem("The file has a header row but no listings.")
    return names, rows


def check_header(names):
    problems = []
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    unknown = [name or "(blank)" for name in names if name not in COLUMNS]
    if unknown:
        problems.append(f"unknown columns: {', '.join(unknown)}")
    repeated = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    if repeated:
        problems.append(f"repeated columns: {', '.join(repeated)}")
    if problems:
        raise FileProblem(
            f"The header row is not right ({'; '.join(problems)}). The first row must "
            f"name these columns, in any order: {', '.join(COLUMNS)}."
        )


# --- Validating rows -------------------------------------------------------------------


class SlugChoiceField(forms.Field):
    """One object, named by its slug."""

    def __init__(self, objects, noun, **kwargs):
        self.objects, self.noun = objects, noun
        super().__init__(**kwargs)

    def to_python(self, value):
        value = value.strip()
        if not value:
            return None
        if value not in self.objects:
            raise ValidationError(f"There is no {self.noun} “{value}”.", code="invalid_choice")
        return self.objects[value]


class SlugListField(forms.Field):
    """Any number of objects, named by their slugs and separated by semicolons."""

    def __init__(self, objects, noun, **kwargs):
        self.objects, self.noun = objects, noun
        kwargs.setdefault("error_messages", {"required": f"Give at least one {noun}."})
        super().__init__(**kwargs)

    def to_python(self, value):
        slugs = list(dict.fromkeys(s.strip() for s in value.split(";") if s.strip()))
        unknown = [slug for slug in slugs if slug not in self.objects]
        if unknown:
            raise ValidationError(
                f"Unknown {self.noun}: {', '.join(f'“{slug}”' for slug in unknown)}. "
                f"Known values are: {', '.join(self.objects)}; separate them with “;”.",
                code="invalid_choice",
            )
        return [self.objects[slug] for slug in slugs]


class YesNoField(forms.Field):
    WORDS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}

    def to_python(self, value):
        try:
            return self.WORDS[value.strip().lower()]
        except KeyError:
            raise ValidationError("Write yes or no.", code="invalid") from None


def choices_message(field_name):
    values = [value for value, _ in Listing._meta.get_field(field_name).choices]
    allowed = ", ".join(value for value in values if value)
    empty = " or leave it empty" if "" in values else ""
    return f"“%(value)s” is not allowed here: write {allowed}{empty}."


class WebAddressField(forms.URLField):
    """A web address; http and https only (no javascript:, ftp: or file:)."""

    default_validators = [URLValidator(schemes=["http", "https"])]

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", required=False, **kwargs)


@dataclass
class Lookups:
    """Everything a row may name by slug, read once per import."""

    organisations: dict
    terms: dict
    areas: dict
    slug_owners: dict  # listing slug -> the uuid of the listing that has it

    @classmethod
    def load(cls):
        terms = {vocabulary: {} for vocabulary in Term.Vocabulary.values}
        for term in Term.objects.all():
            terms[term.vocabulary][term.slug] = term
        return cls(
            organisations={o.slug: o for o in Organisation.objects.all()},
            terms=terms,
            areas={a.slug: a for a in Area.objects.all()},
            slug_owners=dict(Listing.objects.values_list("slug", "uuid")),
        )


class ListingRowForm(forms.ModelForm):
    """Validate one row with the model's own rules; relations are named by slug."""

    class Meta:
        model = Listing
        fields = FIELDS

        def formfield_callback(model_field, **kwargs):
            if isinstance(model_field, models.URLField):
                kwargs["assume_scheme"] = "https"
            return model_field.formfield(**kwargs)

    def __init__(self, data, *, lookups):
        super().__init__(data, instance=Listing())
        self.fields["organisation"] = SlugChoiceField(lookups.organisations, "organisation")
        for name, vocabulary in TERM_COLUMNS.items():
            noun = Term.Vocabulary(vocabulary).label.lower()
            self.fields[name] = SlugListField(
                lookups.terms[vocabulary],
                f"value for “{noun}”",
                required=not Listing._meta.get_field(name).blank,
            )
        self.fields["areas"] = SlugListField(lookups.areas, "area")
        self.fields["self_referral"] = YesNoField()
        self.fields["last_checked"] = forms.DateField(
            input_formats=DATE_FORMATS,
            error_messages={
                "invalid": "Enter a date as YYYY-MM-DD, for example 2026-03-31.",
                "required": "Enter the date the details were last checked, as YYYY-MM-DD.",
            },
        )
        for name in ("referral_form_url", "website"):
            self.fields[name] = WebAddressField(max_length=Listing._meta.get_field(name).max_length)
        for name in ("status", "accreditation"):
            self.fields[name].error_messages["invalid_choice"] = choices_message(name)

    def validate_unique(self):
        """Slugs are checked across the whole file and the directory (``plan_import``)."""


# --- Planning an import ----------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str  # empty when the problem is the whole row
    message: str


@dataclass
class Change:
    column: str
    before: str
    after: str


@dataclass
class RowPlan:
    row: int
    listing: Listing | None  # None: a new listing
    values: dict  # the fields to set (every field for a new listing)
    changes: list


@dataclass
class ImportPlan:
    total: int = 0
    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def unchanged(self):
        return self.total - len(self.creates) - len(self.updates)

    @property
    def has_changes(self):
        return bool(self.creates or self.updates)

    def fingerprint(self):
        """Return a digest of what the import would do, to confirm it is still the same."""
        summary = [
            [plan.row, str(plan.listing.uuid) if plan.listing else "", [*map(vars, plan.changes)]]
            for plan in [*self.creates, *self.updates]
        ]
        return hashlib.sha256(json.dumps(summary, sort_keys=True).encode()).hexdigest()


def plan_import(names, rows, *, lock=False):
    """Check every row and work out what importing them would create and change.

    Nothing is written. With ``lock`` (inside a transaction) the listings the file
    names are locked until it ends, so nothing changes them between plan and save.
    """
    plan = ImportPlan(total=len(rows))
    lookups = Lookups.load()
    listings = Listing.objects.filter(uuid__in=_uuids(names, rows))
    if lock:
        listings = listings.select_for_update(of=("self",))
    existing = {listing.uuid: listing for listing in for_export(listings)}
    seen_uuids, seen_slugs = {}, {}
    for row in rows:
        problems = _plan_row(row, names, plan, lookups, existing, seen_uuids, seen_slugs)
        plan.errors.extend(RowError(row.number, column, message) for column, message in problems)
    if plan.errors:
        plan.creates, plan.updates = [], []
    return plan


def _uuids(names, rows):
    found = []
    for row in rows:
        if len(row.cells) == len(names):
            try:
                found.append(uuid.UUID(row.cells[names.index("uuid")].strip()))
            except ValueError:
                pass
    return found


def _plan_row(row, names, plan, lookups, existing, seen_uuids, seen_slugs):
    """Add the row's create or update to ``plan``; return its problems as (column, message)."""
    if len(row.cells) != len(names):
        return [
            (
                "",
                f"This row has {len(row.cells)} cells but the header has {len(names)} "
                "columns. Check for a missing or extra comma.",
            )
        ]
    cells = dict(zip(names, row.cells, strict=True))
    listing, problem = _find_listing(cells["uuid"].strip(), row, existing, seen_uuids)
    if problem:
        return [("uuid", problem)]
    data = {name: cells[name] for name in FIELDS}
    current = listing_cells(listing) if listing else {}
    if listing is None:
        data["slug"] = data["slug"].strip() or slugify(data["name"])[:200]
        data["last_checked"] = data["last_checked"].strip() or timezone.localdate().isoformat()
    # A cell exactly as the export wrote it is left alone, even if today's rules would
    # not accept it: an unchanged row must import without changes or complaints.
    kept = {name for name in FIELDS if name in current and data[name] == current[name]}
    form = ListingRowForm(data, lookups=lookups)
    form.is_valid()
    problems = [
        (name if name in FIELDS else "", message)
        for name, messages in form.errors.items()
        if name not in kept
        for message in messages
    ]
    if problems:
        return problems
    values, changes = {}, []
    for name in FIELDS:
        if name in kept:
            continue
        value = form.cleaned_data[name]
        if listing is not None and _same(listing, name, value):
            continue
        values[name] = value
        changes.append(Change(name, current.get(name, ""), render(name, value)))
    if "slug" in values:
        problem = _slug_problem(values["slug"], listing, row, lookups, seen_slugs)
        if problem:
            return [("slug", problem)]
    if listing is None:
        plan.creates.append(RowPlan(row.number, None, values, changes))
    elif changes:
        plan.updates.append(RowPlan(row.number, listing, values, changes))
    return []


def _find_listing(text, row, existing, seen_uuids):
    """Return (listing or None, problem or None) for a row's uuid cell."""
    if not text:
        return None, None
    try:
        key = uuid.UUID(text)
    except ValueError:
        return None, f"“{text}” is not a uuid. Leave it empty to add a new listing."
    if key in seen_uuids:
        return None, f"Row {seen_uuids[key]} has the same uuid: a listing can appear only once."
    seen_uuids[key] = row.number
    if key not in existing:
        return None, "No listing has this uuid. Leave it empty to add a new listing."
    return existing[key], None


def _same(listing, name, value):
    if name in MANY_COLUMNS:
        return {obj.pk for obj in value} == {obj.pk for obj in getattr(listing, name).all()}
    if name == "organisation":
        return value.pk == listing.organisation_id
    return value == getattr(listing, name)


def _slug_problem(slug, listing, row, lookups, seen_slugs):
    owner = lookups.slug_owners.get(slug)
    if owner is not None and (listing is None or owner != listing.uuid):
        return f"Another listing already has the slug “{slug}”."
    if slug in seen_slugs:
        return f"Row {seen_slugs[slug]} gives the same slug “{slug}”."
    seen_slugs[slug] = row.number
    return None


def read_and_plan(text, *, lock=False):
    """Parse CSV ``text`` and plan its import; raise FileProblem for a bad file."""
    names, rows = parse(text)
    return plan_import(names, rows, lock=lock)
