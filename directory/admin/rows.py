"""Edit a JSON list of small records (ways to get in touch, sources) as rows of a form.

``RowsField`` is a form field whose widget renders a Django formset: one row per
entry and two empty rows for new ones, every input with its own label, working
without JavaScript. Each row is checked by its record's ``problems()`` (the same
messages as the model field's validator) and the errors are shown in that row.
Empty rows are ignored, so emptying a row removes its entry. The field's value
is the list of normalised dicts (``to_dict()``) the model stores.
"""

from dataclasses import asdict, dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.formsets import BaseFormSet, formset_factory
from django.template.loader import render_to_string

from directory import contacts, provenance

# The widget's value when the form was sent without the rows at all (no
# management form): the field keeps its current value rather than emptying it.
NOT_SENT = object()
EXTRA_ROWS = 2


class RowForm(forms.Form):
    """One row; subclasses name their ``record`` class and the fields that make it."""

    record = None

    def is_blank(self, data):
        return not any(data.get(name) for name in self.content_fields)

    def clean(self):
        data = super().clean()
        self.entry = None
        if self.is_blank(data):
            return data
        self.entry = self.make_entry(data)
        for name, message in self.entry.problems().items():
            self.add_error(name if name in self.fields else None, message)
        return data


def _select(label, choices):
    # A CharField with a select, not a ChoiceField: a value that is not one of
    # the choices then gets the record's own message, the same as the validator's.
    return forms.CharField(label=label, required=False, widget=forms.Select(choices=choices))


def _text(label, **kwargs):
    return forms.CharField(label=label, required=False, **kwargs)


class ContactRouteRow(RowForm):
    kind = _select("Kind", [("", "Choose…"), *contacts.KINDS.items()])
    value = _text("Number, address or link")
    for_whom = _select("Who it is for", list(contacts.FOR.items()))
    hours = _text("Opening hours")
    note = _text("Note")

    content_fields = ["kind", "value", "hours", "note"]

    def make_entry(self, data):
        return contacts.ContactRoute(
            kind=data["kind"],
            value=data["value"],
            for_whom=data["for_whom"] or "everyone",
            hours=data["hours"],
            note=data["note"],
        )


class SourceRow(RowForm):
    kind = _select("Where it came from", [("", "Choose…"), *provenance.KINDS.items()])
    date = _text("Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    title = _text("Title")
    url = _text("Link")

    content_fields = ["kind", "date", "title", "url"]

    def make_entry(self, data):
        return provenance.Source(
            kind=data["kind"], title=data["title"], url=data["url"], date=data["date"]
        )


@dataclass(frozen=True)
class Rows:
    """What one kind of rows is: its row form, its records, and the words for them."""

    form: type
    read: object  # stored list -> list of records (contacts.routes, provenance.sources)
    noun: str  # "way to get in touch": one row, in a sentence
    plural: str
    max_rows: int

    def formset_class(self):
        class RowsFormSet(BaseFormSet):
            default_error_messages = {
                "missing_management_form": (
                    f"The {self.plural} were not all sent. Reload the page and try again."
                ),
                "too_many_forms": f"Give at most {self.max_rows} {self.plural}.",
            }

        return formset_factory(
            self.form,
            formset=RowsFormSet,
            extra=EXTRA_ROWS,
            max_num=self.max_rows,
            absolute_max=self.max_rows,
        )

    def initial(self, data):
        return [asdict(record) for record in self.read(data)]


ROUTES = Rows(
    ContactRouteRow,
    contacts.routes,
    "way to get in touch",
    "ways to get in touch",
    contacts.MAX_ROUTES,
)
SOURCES = Rows(SourceRow, provenance.sources, "source", "sources", provenance.MAX_SOURCES)


class RowsWidget(forms.Widget):
    template_name = "admin/directory/includes/rows.html"

    def __init__(self, rows, attrs=None):
        super().__init__(attrs)
        self.rows = rows

    def formset(self, name, *, data=None, initial=None):
        return self.rows.formset_class()(data=data, initial=initial, prefix=name)

    def value_from_datadict(self, data, files, name):
        if self.value_omitted_from_data(data, files, name):
            return NOT_SENT
        return self.formset(name, data=data)

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-TOTAL_FORMS" not in data

    def id_for_label(self, id_):
        # The rows have a label each; there is no one input for the field's label.
        return None

    def render(self, name, value, attrs=None, renderer=None):
        if not isinstance(value, BaseFormSet):
            value = self.formset(name, initial=self.rows.initial(value))
        context = {
            "formset": value,
            "rows": list(enumerate(value.forms, start=1)),
            "headings": [field.label for field in self.rows.form.base_fields.values()],
            "noun": self.rows.noun,
            "plural": self.rows.plural,
            "name": name,
        }
        return render_to_string(self.template_name, context)


class RowsBoundField(BoundField):
    @property
    def data(self):
        data = super().data
        return self.initial if data is NOT_SENT else data


class RowsField(forms.Field):
    """A JSON list of records edited as rows; cleans to the list of ``to_dict()`` dicts."""

    def __init__(self, rows, **kwargs):
        self.rows = rows
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", RowsWidget(rows))
        super().__init__(**kwargs)

    def get_bound_field(self, form, field_name):
        return RowsBoundField(form, self, field_name)

    def bound_data(self, data, initial):
        return initial if data is NOT_SENT else data

    def prepare_value(self, value):
        return value

    def to_python(self, value):
        if isinstance(value, BaseFormSet):
            if not value.is_valid():
                raise ValidationError(
                    f"There is a problem with the {self.rows.plural}: see the messages in "
                    "the rows below.",
                    code="rows",
                )
            entries = [form.entry for form in value.forms if getattr(form, "entry", None)]
        else:
            entries = self.rows.read(value)
            problems = [
                f"{self.rows.noun.capitalize()} {number}: {message}"
                for number, entry in enumerate(entries, start=1)
                for message in entry.problems().values()
            ]
            if problems:
                raise ValidationError(problems, code="rows")
        if len(entries) > self.rows.max_rows:
            raise ValidationError(f"Give at most {self.rows.max_rows} {self.rows.plural}.")
        return [entry.to_dict() for entry in entries]

    def has_changed(self, initial, data):
        try:
            after = self.to_python(data)
        except ValidationError:
            return True
        return [record.to_dict() for record in self.rows.read(initial)] != after


def routes_field(**kwargs):
    return RowsField(ROUTES, **kwargs)


def sources_field(**kwargs):
    return RowsField(SOURCES, **kwargs)
