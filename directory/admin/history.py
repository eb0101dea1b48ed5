"""History pages in plain words, for listings and organisations.

The history library's own page shows field names and Python values ("Needs review:
False → True", "Changed by None", a column headed "revert_link"), lists bookkeeping
fields staff never set, and counts a save that only changed line endings as a change.
This mixin shows only what people changed, in the words of the form.
"""

from django.utils.text import capfirst
from simple_history.template_utils import HistoricalRecordContextHelper

from directory import contacts, provenance
from directory.services import normalised_text

# Kept by the site itself, not by people: never shown as a change.
BOOKKEEPING_FIELDS = [
    "needs_review",
    "reviewed_at",
    "created",
    "updated",
    "uuid",
    "version",
    "reminder_sent_at",
    "search_vector",
]

# JSON lists shown one entry a line, as in the CSV and the review queue.
LINE_FORMATS = {"contact_routes": contacts.to_text, "sources": provenance.to_text}

SHORTEN_AFTER = 300


def plain_value(field, value):
    """Return ``value`` of ``field`` as the form would say it."""
    if field.name in LINE_FORMATS:
        value = LINE_FORMATS[field.name](value)
    elif field.many_to_many:
        value = ", ".join(sorted(str(item) for item in value))
    elif isinstance(value, bool):
        return "yes" if value else "no"
    elif field.choices:
        value = dict(field.flatchoices).get(value, value)
    elif hasattr(value, "strftime"):
        value = value.strftime("%-d %B %Y %H:%M" if hasattr(value, "hour") else "%-d %B %Y")
    text = normalised_text("" if value is None else str(value))
    if not text:
        return "—"
    if len(text) > SHORTEN_AFTER:
        return text[:SHORTEN_AFTER].rstrip() + "…"
    return text


class PlainHistoryContextHelper(HistoricalRecordContextHelper):
    def context_for_delta_changes(self, delta):
        changes = []
        for change in delta.changes:
            field = self.model._meta.get_field(change.field)
            old, new = self._values(field, change.old), self._values(field, change.new)
            old, new = plain_value(field, old), plain_value(field, new)
            if old != new:  # e.g. only the line endings or trailing spaces differed
                changes.append({"field": capfirst(field.verbose_name), "old": old, "new": new})
        return changes

    @staticmethod
    def _values(field, value):
        if not field.many_to_many:
            return value
        key = field.m2m_reverse_field_name()
        return [row[key] for row in value]


class PlainHistoryAdminMixin:
    """For a SimpleHistoryAdmin: the history page in plain words, with no inline style
    (the library's template has one, which the site's CSP blocks)."""

    object_history_template = "admin/directory/object_history.html"
    object_history_list_template = "admin/directory/object_history_list.html"

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        excluded = [name for name in BOOKKEEPING_FIELDS if self._tracked(name)]
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current, excluded_fields=excluded, foreign_keys_are_objs=True
                )
                helper = PlainHistoryContextHelper(self.model, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    def _tracked(self, name):
        history_model = self.model.history.model
        return any(field.name == name for field in history_model._meta.fields)

    def history_view(self, request, object_id, extra_context=None):
        columns = [
            (name, self._column_label(name)) for name in self.get_history_list_display(request)
        ]
        extra_context = {**(extra_context or {}), "history_columns": columns}
        return super().history_view(request, object_id, extra_context)

    def _column_label(self, name):
        attribute = getattr(self, name, None)
        label = getattr(attribute, "short_description", None)
        return str(label) if label else capfirst(name.replace("_", " "))
