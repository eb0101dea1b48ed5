"""Reverting an information page to an earlier version, as listings are reverted.

The page's words, web address and place in lists come back; whether it is
published stays as it is, so a revert never puts a page on the site or takes
it off by surprise. Every revert is itself a version, so it can be undone.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Page
from .protection import slug_change_problem

REVERTED = ["title", "slug", "summary", "body", "position", "show_in_footer"]


def revert_problem(page, record):
    """Why ``page`` cannot go back to historical ``record``, in plain words, or None."""
    problem = slug_change_problem(page, record.slug)
    if problem:
        return f"That version has a different web address. {problem}"
    if Page.objects.exclude(pk=page.pk).filter(slug=record.slug).exists():
        return (
            f"That version's web address, /information/{record.slug}/, now belongs to another "
            "page. Change that page's address first."
        )
    return None


def page_revert(*, page, record, by):
    """Restore ``page``'s content as it was in historical ``record``; raise
    ValidationError, changing nothing, when that cannot be done."""
    if record.id != page.pk:
        raise ValueError("That version belongs to another page.")
    problem = revert_problem(page, record)
    if problem:
        raise ValidationError(problem)
    with transaction.atomic():
        for name in REVERTED:
            setattr(page, name, getattr(record, name))
        page._history_user = by
        page._change_reason = f"Reverted to the version of {record.history_date:%d %b %Y %H:%M}"
        page.save()
    return page


def page_changes(page, *, since):
    """Return (field label, in that version, now) for each field a revert of ``page``
    to historical record ``since`` would change."""
    changes = []
    for name in REVERTED:
        before, after = getattr(since, name), getattr(page, name)
        if before != after:
            field = Page._meta.get_field(name)
            if isinstance(before, bool):
                before, after = ("Yes" if before else "No"), ("Yes" if after else "No")
            changes.append((str(field.verbose_name).capitalize(), before, after))
    return changes
