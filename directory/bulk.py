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

import copy
import csv
import hashlib
import io
import json
import re
import uuid
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from . import contacts, provenance, vocabularies
from .models import Area, Listing, Organisation, Term
from .services import offences_both_ways_problem

TERM_COLUMNS = {spec.name: spec.vocabulary for spec in vocabularies.TERM_FIELDS}
MANY_COLUMNS = vocabularies.RELATIONS


@dataclass(frozen=True)
class LineFormat:
    """A list of small records kept one per line in a cell: the module that reads
    and writes the line (``from_text``, ``to_text``), the reader that turns stored
    dicts into entries with ``problems()``, and the line's parts for messages."""

    module: object
    entries: object
    parts: str

    def same(self, first, second):
        """Whether two stored lists say the same: a default may be written or left out."""
        return [*map(vars, self.entries(first))] == [*map(vars, self.entries(second))]


# A listing's own routes only: the organisation's shared ones are not its data.
LINE_COLUMNS = {
    "contact_routes": LineFormat(contacts, contacts.routes, "kind | details | for | hours | note"),
    "sources": LineFormat(provenance, provenance.sources, "kind | date | title | link"),
}
# The admin's field order.
FIELDS = [
    "name",
    "slug",
    "organisation",
    "summary",
    "description",
    *MANY_COLUMNS,
    "self_referral",
    "how_to_refer",
    "contact_routes",
    "address",
    "interpreters",
    "typical_wait",
    "cost",
    "status",
    "accreditation",
    "accreditation_date",
    "sources",
    "last_checked",
]
# The uuid says which listing a row is, the version which state of it the file was
# exported from (Listing.version counts its saves), so that an import cannot undo an
# edit made after the export. Files exported before there was a version, and rows for
# new listings, may leave it out.
COLUMNS = ["uuid", "version", *FIELDS]
OPTIONAL_COLUMNS = {"version"}
REQUIRED_COLUMNS = [name for name in COLUMNS if name not in OPTIONAL_COLUMNS]
SEPARATOR = "; "
# Far above any real directory (5,000 listings make about 4.5 MB), far below harm.
# emrj/uploads.py refuses a bigger request before it is read.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
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


def related(listings):
    """Return ``{field: {listing pk: [(pk, slug), …]}}`` for the many-to-many fields of
    ``listings`` (a queryset), in display order.

    One query per field, straight from the link tables: prefetch_related would build
    a manager and a queryset for every listing and field, which takes seconds for a
    few thousand listings.
    """
    found = {}
    for name in MANY_COLUMNS:
        relation = Listing._meta.get_field(name)
        source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        ordering = [f"{target}__{key}" for key in relation.related_model._meta.ordering]
        links = (
            relation.remote_field.through.objects.filter(**{f"{source}__in": listings.values("pk")})
            .order_by(*ordering)
            .values_list(f"{source}_id", f"{target}_id", f"{target}__slug")
        )
        found[name] = {}
        for listing_id, pk, slug in links:
            found[name].setdefault(listing_id, []).append((pk, slug))
    return found


def listings_with_related(listings):
    """Yield ``(listing, relations)`` for ``listings``, in name order: one query for
    the listings and their organisations, and one per many-to-many field."""
    relations = related(listings)
    for listing in listings.select_related("organisation").order_by("name", "pk").iterator():
        yield listing, relations


def render(name, value):
    """Return a column's value as the text the CSV holds (relations as objects)."""
    if name in MANY_COLUMNS:
        return SEPARATOR.join(obj.slug for obj in value)
    if name == "organisation":
        return value.slug
    if name == "self_referral":
        return "yes" if value else "no"
    if name in LINE_COLUMNS:
        return LINE_COLUMNS[name].module.to_text(value)
    if name in ("last_checked", "accreditation_date"):
        return value.isoformat() if value else ""
    return str(value)


def listing_cells(listing, relations):
    """Return ``{column: text}`` for one listing; ``relations`` comes from ``related()``."""
    cells = {}
    for name in COLUMNS:
        if name in MANY_COLUMNS:
            links = relations[name].get(listing.pk, [])
            cells[name] = SEPARATOR.join(slug for _, slug in links)
        else:
            cells[name] = render(name, getattr(listing, name))
    return cells


def write_csv(stream, listings, *, byte_order_mark=False):
    """Write ``listings`` to the text ``stream`` as CSV, header first.

    The byte order mark tells spreadsheets (Excel above all) that the file is UTF-8.
    """
    if byte_order_mark:
        stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    for listing, relations in listings_with_related(listings):
        cells = listing_cells(listing, relations)
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
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
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
            f"name these columns, in any order: {', '.join(REQUIRED_COLUMNS)}; "
            f"and {', '.join(sorted(OPTIONAL_COLUMNS))} if the export gave it."
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


class LinesField(forms.Field):
    """A list of small records written one per line (see ``LINE_COLUMNS``).

    Each entry is checked here, so a message names the line of the cell at fault
    ("Line 2 (email): …"); the model's own validator then checks the whole list.
    """

    def __init__(self, line_format, **kwargs):
        self.format = line_format
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return self.format.module.from_text(value or "")

    def clean(self, value):
        entries = self.to_python(value)
        lines = [(n, line) for n, line in enumerate((value or "").splitlines(), 1) if line.strip()]
        parts = self.format.parts.count("|") + 1
        messages = []
        for (number, line), entry in zip(lines, self.format.entries(entries), strict=True):
            problems = entry.problems()
            if problems and line.count("|") >= parts:
                # A "|" too many shifts the parts; what is wrong with them says nothing useful.
                messages.append(f"Line {number}: use at most {parts} parts: {self.format.parts}.")
                continue
            for part, message in problems.items():
                if part == "for_whom":
                    message += f" Write {', '.join(contacts.FOR)}, or leave it empty for everyone."
                messages.append(f"Line {number} ({entry.kind}): {message}")
        if messages:
            raise ValidationError(messages)
        return entries

    def prepare_value(self, value):
        return self.format.module.to_text(value) if isinstance(value, list) else value


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
    form: type = None  # the row form reading relations from these lookups

    def __post_init__(self):
        self.form = row_form(self)

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


def _formfield(model_field, **kwargs):
    if model_field.name in LINE_COLUMNS:
        return LinesField(LINE_COLUMNS[model_field.name])
    if isinstance(model_field, models.URLField):
        return WebAddressField(max_length=model_field.max_length)
    if model_field.choices:
        kwargs["error_messages"] = {"invalid_choice": choices_message(model_field.name)}
    return model_field.formfield(**kwargs)


class ListingRowForm(forms.ModelForm):
    """Validate one row with the model's own rules (see ``row_form`` for relations)."""

    self_referral = YesNoField()
    last_checked = forms.DateField(
        input_formats=DATE_FORMATS,
        error_messages={
            "invalid": "Enter a date as YYYY-MM-DD, for example 2026-03-31.",
            "required": "Enter the date the details were last checked, as YYYY-MM-DD.",
        },
    )
    accreditation_date = forms.DateField(
        input_formats=DATE_FORMATS,
        required=False,
        error_messages={"invalid": "Enter a date as YYYY-MM-DD, for example 2026-03-31."},
    )

    class Meta:
        model = Listing
        fields = FIELDS
        formfield_callback = _formfield

    def __init__(self, data, *, listing=None, kept=None):
        """Check ``data`` for a new listing, or as changes to ``listing``.

        ``kept`` maps the fields whose cells are exactly as exported to the listing's
        values: those cells are neither checked again nor changed (today's rules may
        refuse old data), so they are left out of the form and the model's checks,
        and only the cross-field rules read them.
        """
        instance = Listing()
        if listing is not None:
            # The listing's values, for the model's checks; without its pk, so that
            # nothing reads its relations (a query per field and row).
            instance = copy.copy(listing)
            instance.pk = None
        super().__init__(data, instance=instance)
        self.kept = kept or {}
        if self.kept:
            self.fields = {name: f for name, f in self.fields.items() if name not in self.kept}

    def _get_validation_exclusions(self):
        # The organisation field found the organisation already; the model's own check
        # would look it up again, a query per row.
        return {*super()._get_validation_exclusions(), "organisation"}

    def _update_errors(self, errors):
        # What the model says about a kept cell does not count (see __init__).
        if hasattr(errors, "error_dict"):
            errors = ValidationError(
                {
                    name: messages
                    for name, messages in errors.error_dict.items()
                    if name == NON_FIELD_ERRORS or name in self.fields
                }
            )
        super()._update_errors(errors)

    def clean(self):
        data = super().clean()
        taken, excluded = "offence_types", "excluded_offence_types"
        problem = offences_both_ways_problem(
            data.get(taken, self.kept.get(taken)), data.get(excluded, self.kept.get(excluded))
        )
        if problem:
            # On the column the file changed (both can be).
            self.add_error(excluded if excluded in self.fields else taken, problem)
        return data

    def validate_unique(self):
        """Slugs are checked across the whole file and the directory (``plan_import``)."""


def row_form(lookups):
    """Return a ListingRowForm class that reads relations by slug from ``lookups``.

    Built once per import: the admin's own relation fields would query (and copy a
    queryset) for every row.
    """
    fields = {"organisation": SlugChoiceField(lookups.organisations, "organisation")}
    for name, vocabulary in TERM_COLUMNS.items():
        noun = vocabularies.BY_NAME[name].label.lower()
        fields[name] = SlugListField(
            lookups.terms[vocabulary],
            f"value for “{noun}”",
            required=not Listing._meta.get_field(name).blank,
        )
    fields["areas"] = SlugListField(lookups.areas, "area")
    form = type("ListingRowForm", (ListingRowForm,), fields)
    form.base_fields = SharedFields(form.base_fields)
    return form


class SharedFields(dict):
    """Form fields every row's form uses as they are, instead of copying them.

    A form deep-copies its fields (and their widgets) so that one request can change
    them without touching another's; these fields hold no state of a row, and copying
    them for thousands of rows took most of the time an import spent checking.
    """

    def __deepcopy__(self, memo):
        return self


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
    planner = _Planner(names, rows, lock=lock)
    for row in rows:
        problems = planner.add_row(row, plan)
        plan.errors.extend(RowError(row.number, column, message) for column, message in problems)
    plan.errors.extend(planner.stale_errors())
    plan.errors.sort(key=lambda error: error.row)
    if plan.errors:
        plan.creates, plan.updates = [], []
    return plan


class _Planner:
    """What planning an import needs to know, read once, and what it has seen so far."""

    def __init__(self, names, rows, *, lock):
        self.names = names
        self.lookups = Lookups.load()
        listings = Listing.objects.filter(uuid__in=self._uuids(rows))
        if lock:
            listings = listings.select_for_update(of=("self",))
        self.existing = {obj.uuid: obj for obj in listings.select_related("organisation")}
        self.relations = related(Listing.objects.filter(uuid__in=self.existing))
        self.seen_uuids, self.seen_slugs = {}, {}
        self.stale = []  # (row number, listing) of rows exported before its last change

    def _uuids(self, rows):
        found = []
        for row in rows:
            if len(row.cells) == len(self.names):
                try:
                    found.append(uuid.UUID(row.cells[self.names.index("uuid")].strip()))
                except ValueError:
                    pass
        return found

    def add_row(self, row, plan):
        """Add the row's create or update to ``plan``; return its problems as (column, message)."""
        if len(row.cells) != len(self.names):
            return [
                (
                    "",
                    f"This row has {len(row.cells)} cells but the header has "
                    f"{len(self.names)} columns. Check for a missing or extra comma.",
                )
            ]
        cells = dict(zip(self.names, row.cells, strict=True))
        listing, problem = self._find_listing(cells["uuid"].strip(), row)
        if problem:
            return [("uuid", problem)]
        data = {name: cells[name] for name in FIELDS}
        current = listing_cells(listing, self.relations) if listing else {}
        if listing is None:
            data["slug"] = data["slug"].strip() or slugify(data["name"])[:200]
            data["last_checked"] = data["last_checked"].strip() or timezone.localdate().isoformat()
        # A cell exactly as the export wrote it is left alone, even if today's rules would
        # not accept it: an unchanged row must import without changes or complaints.
        kept = {name for name in FIELDS if name in current and data[name] == current[name]}
        if len(kept) == len(FIELDS):
            return []  # nothing to check or change (most rows of most imports)
        form = self.lookups.form(
            data, listing=listing, kept={name: self._current(listing, name) for name in kept}
        )
        form.is_valid()
        problems = [
            (name if name in FIELDS else "", message)
            for name, messages in form.errors.items()
            if name not in kept
            for message in messages
        ]
        if problems:
            return problems
        # Only a row that changes one of these can take a listing's last way to get in
        # touch away; a cell left as exported holds the listing's current value.
        if not _PUBLISH_FIELDS <= kept:
            final = {
                name: getattr(listing, name) if name in kept else form.cleaned_data.get(name)
                for name in _PUBLISH_FIELDS
            }
            problem = _publish_problem(final)
            if problem:
                return [("status" if "status" not in kept else "contact_routes", problem)]
        values, changes = {}, []
        for name in FIELDS:
            value = form.cleaned_data.get(name)
            if name in kept or (listing is not None and self._same(listing, name, value)):
                continue
            values[name] = value
            changes.append(Change(name, current.get(name, ""), render(name, value)))
        if "slug" in values:
            problem = self._slug_problem(values["slug"], listing, row)
            if problem:
                return [("slug", problem)]
        if listing is not None and changes:
            problem = self._version_problem(cells.get("version", "").strip(), listing, row)
            if problem:
                return [("version", problem)]
        if listing is None:
            plan.creates.append(RowPlan(row.number, None, values, changes))
        elif changes:
            plan.updates.append(RowPlan(row.number, listing, values, changes))
        return []

    def _find_listing(self, text, row):
        """Return (listing or None, problem or None) for a row's uuid cell."""
        if not text:
            return None, None
        try:
            key = uuid.UUID(text)
        except ValueError:
            return None, f"“{text}” is not a uuid. Leave it empty to add a new listing."
        if key in self.seen_uuids:
            first = self.seen_uuids[key]
            return None, f"Row {first} has the same uuid: a listing can appear only once."
        self.seen_uuids[key] = row.number
        if key not in self.existing:
            return None, "No listing has this uuid. Leave it empty to add a new listing."
        return self.existing[key], None

    def _version_problem(self, text, listing, row):
        """Why a row that changes ``listing`` must not be imported, going by its version.

        A row without a version (a file from before there was one) is not checked. A row
        exported before the listing's last change is noted: ``stale_errors`` says who
        changed it and when, read for all such rows at once.
        """
        if not text:
            return None
        if not (text.isascii() and text.isdigit()):
            return (
                f"“{text}” is not a version number. Keep the number the export wrote, "
                "or leave the cell empty."
            )
        version = int(text)
        if version < listing.version:
            self.stale.append((row.number, listing))
        elif version > listing.version:
            return (
                f"This listing has never had version {version} (it is at version "
                f"{listing.version}): export again and reapply your change."
            )
        return None

    def stale_errors(self):
        """Yield a RowError for each row exported before its listing was last changed."""
        last = last_changes([listing.pk for _, listing in self.stale])
        for number, listing in self.stale:
            when, who = last.get(listing.pk, (None, None))
            changed = "This listing was changed"
            if when is not None:
                local = timezone.localtime(when)
                changed += f" on {local.day} {local:%B %Y at %H:%M}"
            if who is not None:
                changed += f" by {person(who)}"
            yield RowError(
                number,
                "version",
                f"{changed} after the file was exported: export again and reapply your change.",
            )

    def _current(self, listing, name):
        """The value of field ``name`` of ``listing``, as the form would clean it."""
        if name not in MANY_COLUMNS:
            return getattr(listing, name)
        objects = self.lookups.areas if name == "areas" else self.lookups.terms[TERM_COLUMNS[name]]
        return [objects[slug] for _, slug in self.relations[name].get(listing.pk, [])]

    def _same(self, listing, name, value):
        if name in MANY_COLUMNS:
            linked = self.relations[name].get(listing.pk, [])
            return {obj.pk for obj in value} == {pk for pk, _ in linked}
        if name == "organisation":
            return value.pk == listing.organisation_id
        if name in LINE_COLUMNS:
            return LINE_COLUMNS[name].same(value, getattr(listing, name))
        return value == getattr(listing, name)

    def _slug_problem(self, slug, listing, row):
        owner = self.lookups.slug_owners.get(slug)
        if owner is not None and (listing is None or owner != listing.uuid):
            return f"Another listing already has the slug “{slug}”."
        if slug in self.seen_slugs:
            return f"Row {self.seen_slugs[slug]} gives the same slug “{slug}”."
        self.seen_slugs[slug] = row.number
        return None


def last_changes(listing_ids):
    """Return ``{listing pk: (when, user or None)}`` of each listing's latest history record."""
    found = {}
    for start in range(0, len(listing_ids), 900):  # SQLite's limit on parameters
        ids = listing_ids[start : start + 900]
        latest = (
            Listing.history.filter(id__in=ids)
            .values("id")
            .annotate(latest=models.Max("history_id"))
            .values("latest")
        )
        records = Listing.history.filter(history_id__in=latest).select_related("history_user")
        found.update((r.id, (r.history_date, r.history_user)) for r in records)
    return found


def person(user):
    """Name ``user`` as colleagues know them: full name, else username."""
    return user.get_full_name().strip() or user.get_username()


_PUBLISH_FIELDS = {"status", "organisation", "contact_routes"}


def _publish_problem(values):
    """Why a row cannot be published (no way to get in touch at all), or None."""
    if values.get("status") != Listing.Status.PUBLISHED:
        return None
    organisation = values.get("organisation")
    shared = organisation.contact_routes if organisation else []
    if contacts.effective_routes(values.get("contact_routes"), shared):
        return None
    return (
        "A published listing needs at least one way to get in touch, and neither this "
        "listing nor its organisation has one. Add one in contact_routes (for example "
        "“phone | 0116 496 0123”), or set status to draft."
    )


def read_and_plan(text, *, lock=False):
    """Parse CSV ``text`` and plan its import; raise FileProblem for a bad file."""
    names, rows = parse(text)
    return plan_import(names, rows, lock=lock)
