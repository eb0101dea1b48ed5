"""Change forms that refuse to undo someone else's edit (directory/concurrency.py).

``EditConflictForm`` carries two hidden fields from the page it was loaded on:
``edit_version``, the version of the row, and ``edit_base``, the newest history
record then and a fingerprint of each field's value. When it is sent, the row is
read again under a lock; if its version has moved on, nothing is saved and the form
comes back with:

- a message at the top saying someone else changed it while you were editing, who,
  when, and which fields, in the form's own words;
- their value in each field they changed and you had left alone, so saving again
  keeps their change;
- what you typed in each field you both changed, marked, with theirs beside it;
- the new version, so that saving again goes through (and the history keeps both).

A form sent without its version cannot be checked, so it is refused the same way.

``EditConflictAdminMixin`` puts the hidden fields on the admin's page and tells the
form who is editing (forum staff are "Forum staff" to a provider, not a name).
"""

import hashlib
import json

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist
from django.db import models, router, transaction
from django.forms.models import model_to_dict
from django.utils import dateformat, timezone
from django.utils.text import Truncator

from directory import concurrency
from directory.roles import FORUM_STAFF

from . import rows

EDIT_FIELDS = ["edit_version", "edit_base"]
# History fields that are bookkeeping, never named in the message.
UNNAMED_FIELDS = ["needs_review", "reviewed_at", "created", "uuid"]


def fingerprint(model_field, value):
    """A short digest of ``value`` of ``model_field``: equal when the values are, whether
    the value came from the database or from a form's cleaned data."""
    if model_field.many_to_many:
        value = sorted(getattr(item, "pk", item) for item in value or [])
    elif isinstance(value, models.Model):
        value = value.pk
    elif isinstance(value, str):
        # Browsers send line breaks as \r\n, and forms strip what they are sent.
        value = value.replace("\r\n", "\n").strip()
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _and(items):
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _when(moment):
    return dateformat.format(timezone.localtime(moment), r"j F Y \a\t H:i")


class EditMarkerField(forms.CharField):
    """A hidden field saying what the form was loaded from; never a change of its own
    (so the admin's record of what changed never names it)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, label="", **kwargs)

    def has_changed(self, initial, data):
        return False


class EditConflictForm(forms.ModelForm):
    """A model form refused, and shown again merged, when its row changed meanwhile."""

    edit_version = EditMarkerField()
    edit_base = EditMarkerField()

    # Who is editing; EditConflictAdminMixin.get_form sets it.
    editing_user = None
    # What the form edits, in the message: "this listing" unless a form says otherwise.
    conflict_subject = None
    conflict_pronoun = "it"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["edit_version"] = self.instance.version
            self.initial["edit_base"] = self._base(self.instance, self.initial)

    # --- What the form was loaded with --------------------------------------------

    def _compared_fields(self):
        """The model fields this form edits, as {name: model field}."""
        opts = self._meta.model._meta
        found = {}
        for name in self.fields:
            try:
                field = opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.editable and (field.concrete or field.many_to_many):
                found[name] = field
        return found

    def _base(self, instance, values):
        fields = {
            name: fingerprint(field, values.get(name))
            for name, field in self._compared_fields().items()
        }
        base = {"history": concurrency.latest_history_id(instance), "fields": fields}
        return json.dumps(base, separators=(",", ":"))

    def _posted(self, name):
        value = self.data.get(self.add_prefix(name), "")
        return value if isinstance(value, str) else ""

    def _posted_version(self):
        raw = self._posted("edit_version").strip()
        return int(raw) if raw.isascii() and raw.isdigit() else None

    def _posted_base(self):
        try:
            base = json.loads(self._posted("edit_base"))
        except ValueError:
            return None
        ok = (
            isinstance(base, dict)
            and isinstance(base.get("history"), int)
            and isinstance(base.get("fields"), dict)
        )
        return base if ok else None

    # --- The check --------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            return data
        current = concurrency.lock(self.instance)
        if current is None:
            self.add_error(
                None,
                f"{self._subject().capitalize()} was deleted while you were editing "
                f"{self.conflict_pronoun}, so nothing was saved.",
            )
        elif self._posted_version() != current.version:
            self._refuse(current)
        return data

    def _subject(self):
        return self.conflict_subject or f"this {self._meta.model._meta.verbose_name}"

    def _refuse(self, current):
        compared = self._compared_fields()
        theirs = model_to_dict(current, fields=list(compared))
        unchecked = self._posted_version() is None
        base = None if unchecked else self._posted_base()
        changes = []
        if base is not None:
            changes = concurrency.changes_since(
                self.instance, base["history"], ignore=UNNAMED_FIELDS
            )
        taken, both = [], []
        if base is not None:
            for name, field in compared.items():
                was = base["fields"].get(name)
                now = fingerprint(field, theirs.get(name))
                if was is None or was == now or name not in self.cleaned_data:
                    continue  # they did not change it (or the field has its own error)
                mine = fingerprint(field, self.cleaned_data[name])
                if mine == now:
                    continue
                if mine == was:
                    taken.append(name)
                else:
                    both.append(name)
        self._start_again_from(current, theirs, taken)
        self.add_error(None, self._messages(unchecked, base, changes, taken, both))
        for name in both:
            self.add_error(name, self._clash(name, compared[name], theirs.get(name), changes))

    # --- Words ------------------------------------------------------------------------

    def _label(self, name):
        field = self.fields.get(name)
        if field is not None and field.label:
            return str(field.label)
        try:
            return str(self._meta.model._meta.get_field(name).verbose_name).capitalize()
        except FieldDoesNotExist:
            return name

    def _is_viewer(self, user):
        return (
            user is not None and self.editing_user is not None and user.pk == self.editing_user.pk
        )

    def _who(self, user):
        viewer = self.editing_user
        if user is None:
            return "Someone"
        if self._is_viewer(user):
            return "You"
        viewer_is_staff = viewer is not None and _was_forum_staff(viewer)
        if _was_forum_staff(user) and not viewer_is_staff:
            return "Forum staff"
        return user.get_full_name().strip() or user.get_username()

    def _describe_change(self, change):
        who = self._who(change.user)
        where = " in another window or tab" if self._is_viewer(change.user) else ""
        labels = [self._label(name) for name in change.fields]
        what = f"changed {_and(labels)}" if labels else "made a change"
        reason = f" ({change.reason})" if change.reason else ""
        return f"{who} {what} on {_when(change.when)}{where}{reason}."

    def _messages(self, unchecked, base, changes, taken, both):
        subject, it = self._subject(), self.conflict_pronoun
        if unchecked:
            return [
                f"This form could not be checked against the latest version of {subject}, "
                "so nothing was saved. What you typed is kept below. If someone else may "
                f"have changed {it} since you opened this page, compare it in another tab "
                "first; then save again."
            ]
        if changes and all(self._is_viewer(change.user) for change in changes):
            headline = (
                f"You changed {subject} in another window or tab while you were editing "
                f"{it} here, so nothing you typed here has been saved yet."
            )
        else:
            headline = (
                f"Someone else changed {subject} while you were editing {it}, so nothing "
                "you typed has been saved yet."
            )
        said = [headline, *(self._describe_change(change) for change in changes)]
        if base is None:
            said.append("We cannot tell what was changed.")
        elif not changes:
            said.append("We cannot tell who changed it.")
        if taken:
            labels = _and(self._label(name) for name in taken)
            said.append(f"The form below now has the new {labels}.")
        if both:
            labels = _and(self._label(name) for name in both)
            said.append(
                f"You both changed {labels}: what you typed is kept, with the other version "
                "beside it. Choose which to keep."
            )
        said.append("Check the form, then save again to keep your changes.")
        return said

    def _clash(self, name, model_field, value, changes):
        by = [change for change in changes if name in change.fields]
        who = self._who(by[-1].user) if by else "Someone else"
        shown = self.describe_value(name, model_field, value)
        return (
            f"{who} changed this while you were editing {self.conflict_pronoun}. What you "
            f"typed is below: keep it, or change it to theirs, then save. Theirs: {shown}"
        )

    def describe_value(self, name, model_field, value):
        """``value`` of field ``name`` (as the database holds it) in words."""
        field = self.fields.get(name)
        if model_field.many_to_many:
            text = ", ".join(str(item) for item in value or [])
        elif isinstance(field, rows.RowsField):
            text = "; ".join(_describe_entry(entry) for entry in field.rows.read(value))
        elif model_field.choices:
            text = str(dict(model_field.flatchoices).get(value, value))
        elif model_field.is_relation:
            found = model_field.related_model._base_manager.filter(pk=value).first()
            text = str(found) if found else ""
        elif isinstance(value, bool):
            text = "ticked" if value else "not ticked"
        elif hasattr(value, "strftime"):
            text = dateformat.format(value, "j F Y")
        else:
            text = Truncator(str(value or "")).chars(300)
        return f"“{text}”" if text else "empty"

    # --- Showing the form again ------------------------------------------------------

    def _start_again_from(self, current, theirs, taken):
        """Put their values in the ``taken`` fields and the new version in the hidden
        ones, so the form shown again saves on top of their change."""
        self.data = self.data.copy()
        for name in taken:
            self._show(name, theirs.get(name))
        _put(self.data, self.add_prefix("edit_version"), [str(current.version)])
        _put(self.data, self.add_prefix("edit_base"), [self._base(current, theirs)])

    def _show(self, name, value):
        """Make the posted data of field ``name`` what a browser sends for ``value``."""
        field, key = self.fields[name], self.add_prefix(name)
        widget = getattr(field.widget, "widget", field.widget)  # the admin wraps some
        if isinstance(field, rows.RowsField):
            for old in [k for k in self.data if k.startswith(f"{key}-")]:
                del self.data[old]
            entries = field.rows.initial(value)
            self.data[f"{key}-TOTAL_FORMS"] = str(len(entries) + rows.EXTRA_ROWS)
            self.data[f"{key}-INITIAL_FORMS"] = str(len(entries))
            self.data[f"{key}-MIN_NUM_FORMS"] = "0"
            self.data[f"{key}-MAX_NUM_FORMS"] = str(field.rows.max_rows)
            for number, entry in enumerate(entries):
                for part, text in entry.items():
                    self.data[f"{key}-{number}-{part}"] = "" if text is None else str(text)
        elif isinstance(widget, forms.CheckboxInput):
            _put(self.data, key, ["on"] if value else [])
        else:
            shown = widget.format_value(field.prepare_value(value))
            shown = shown if isinstance(shown, list) else [shown]
            _put(self.data, key, ["" if item is None else str(item) for item in shown])


def _put(data, key, values):
    if hasattr(data, "setlist"):
        if values:
            data.setlist(key, values)
        else:
            data.pop(key, None)
    elif values:
        data[key] = values if len(values) > 1 else values[0]
    else:
        data.pop(key, None)


def _was_forum_staff(user):
    if user.is_superuser:
        return True
    cached = getattr(user, "_was_forum_staff", None)
    if cached is None:
        cached = user._was_forum_staff = user.groups.filter(name=FORUM_STAFF).exists()
    return cached


def _describe_entry(entry):
    from .listing_form import describe_route  # listing_form imports this module

    if hasattr(entry, "for_label"):
        return describe_route(entry)
    parts = [entry.kind_label, getattr(entry, "date", ""), getattr(entry, "title", "")]
    return ", ".join(part for part in parts if part)


class EditConflictAdminMixin:
    """For a ModelAdmin whose form is an EditConflictForm: the hidden fields go on
    the page (at the end of the first fieldset), and the form knows who is editing."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        missing = [name for name in EDIT_FIELDS if name not in flatten_fieldsets(fieldsets)]
        (title, options), *others = fieldsets
        return [(title, {**options, "fields": [*options["fields"], *missing]}), *others]

    def history_form_view(self, request, *args, **kwargs):
        # A revert from the history saves this form too: in one transaction, like
        # the change form, so that the lock on the row holds until it is saved.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, *args, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.editing_user = request.user  # a class made for this request
        return form
