"""Reverting content to an earlier version: information pages, news, briefings, events.

What a reader sees comes back (each model lists it in ``revert_fields``); whether
it is on the site stays as it is, so a revert never publishes or unpublishes
anything by surprise. Every revert is itself a version, so it can be undone.

A model may add its own reasons a revert cannot happen with a ``revert_problem``
method taking the historical record (pages refuse to move a menu page).
"""

from django.core.exceptions import ValidationError
from django.db import transaction


def revert_problem(obj, record):
    """Why ``obj`` cannot go back to historical ``record``, in plain words, or None."""
    own = getattr(obj, "revert_problem", None)
    if own is not None and (problem := own(record)):
        return problem
    model = type(obj)
    noun = model._meta.verbose_name
    for name in obj.revert_fields:
        field = model._meta.get_field(name)
        value = getattr(record, name)
        if field.unique and model._default_manager.exclude(pk=obj.pk).filter(**{name: value}):
            return (
                f"That version's {field.verbose_name}, “{value}”, now belongs to another "
                f"{noun}. Change that {noun} first."
            )
    return None


def revert(obj, record, *, by):
    """Restore ``obj``'s content as it was in historical ``record``; raise
    ValidationError, changing nothing, when that cannot be done."""
    if record.id != obj.pk:
        raise ValueError("That version belongs to another row.")
    problem = revert_problem(obj, record)
    if problem:
        raise ValidationError(problem)
    with transaction.atomic():
        for name in obj.revert_fields:
            setattr(obj, name, getattr(record, name))
        obj._history_user = by
        obj._change_reason = f"Reverted to the version of {record.history_date:%d %b %Y %H:%M}"
        obj.save()
    return obj


def changes(obj, *, since):
    """Return (field label, in that version, now) for each field a revert of ``obj``
    to historical record ``since`` would change."""
    found = []
    for name in obj.revert_fields:
        before, after = getattr(since, name), getattr(obj, name)
        if before != after:
            field = type(obj)._meta.get_field(name)
            found.append((str(field.verbose_name).capitalize(), _shown(before), _shown(after)))
    return found


def _shown(value):
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None or value == "":
        return "(blank)"
    return str(value)
