"""Writes that carry a business rule: publishing, checks, reviews, reverts.

Each saves listings one at a time (never ``QuerySet.update``) so that every
change is recorded in the listing's history with who made it.
"""

from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import update_change_reason

from .models import Area, Listing, Organisation, Term

# Fields that are bookkeeping, not content a reviewer needs to read.
BOOKKEEPING_FIELDS = ["needs_review", "reviewed_at", "created", "uuid"]


def _save_with_history(listing, *, by, reason, update_fields=None):
    listing._history_user = by
    listing._change_reason = reason
    listing.save(update_fields=update_fields)


def fixtures_load(*, fixtures, reason, verbosity=0):
    """Load ``fixtures`` and record a first version of each record the load added.

    Fixtures load without history; saving each new organisation and listing once gives
    staff a first version to compare and revert to. Records that were there before
    are left alone (generated listings are made without history on purpose, and
    saving thousands one by one would take minutes). Return how many were recorded.
    """
    models = (Organisation, Listing)
    # Ids only grow, so the records the load adds are those above the highest id now.
    last = {model: model.objects.aggregate(last=Max("pk"))["last"] or 0 for model in models}
    call_command("loaddata", *fixtures, verbosity=verbosity)
    recorded = 0
    for model in models:
        added = model.objects.filter(pk__gt=last[model])
        for obj in added.exclude(pk__in=model.history.values("id")):
            obj._change_reason = reason
            obj.save()
            recorded += 1
    return recorded


def listings_set_status(*, listings, status, by):
    """Publish, unpublish (back to draft) or archive ``listings``; return how many changed."""
    changed = 0
    with transaction.atomic():
        for listing in listings:
            if listing.status == status:
                continue
            listing.status = status
            reason = f"Status set to {Listing.Status(status).label.lower()}"
            _save_with_history(listing, by=by, reason=reason)
            changed += 1
    return changed


def listing_confirm_checked(*, listing, by):
    """Record that the details are still correct, without any edit."""
    listing.last_checked = timezone.localdate()
    _save_with_history(
        listing,
        by=by,
        reason="Confirmed the details are still correct",
        update_fields=["last_checked", "updated"],
    )
    return listing


def listing_mark_reviewed(*, listing, by):
    """Clear a listing from the review queue."""
    listing.needs_review = False
    listing.reviewed_at = timezone.now()
    _save_with_history(
        listing,
        by=by,
        reason="Reviewed by forum staff",
        update_fields=["needs_review", "reviewed_at", "updated"],
    )
    return listing


def listing_revert(*, listing, record, by):
    """Restore the content of ``listing`` as it was in historical ``record``.

    Content fields and many-to-many fields come back; status, review and
    bookkeeping fields stay as they are, so a revert never publishes or hides
    a listing by surprise.
    """
    if record.id != listing.pk:
        raise ValueError("That version belongs to another listing.")
    kept = {"id", "uuid", "status", "created", "updated", "needs_review", "reviewed_at"}
    with transaction.atomic():
        for field in Listing._meta.concrete_fields:
            if field.name not in kept and hasattr(record, field.attname):
                setattr(listing, field.attname, getattr(record, field.attname))
        _save_with_history(
            listing,
            by=by,
            reason=f"Reverted to the version of {record.history_date:%d %b %Y %H:%M}",
        )
        for field in record._history_m2m_fields:
            target = field.m2m_reverse_field_name()
            ids = getattr(record, field.name).values_list(target, flat=True)
            getattr(listing, field.name).set(list(ids))
        latest = listing.history.first()
        if latest is not None:
            update_change_reason(listing, latest.history_change_reason or "Reverted")
    return listing


def review_baseline(listing):
    """Return the latest version of ``listing`` that staff had seen, or None."""
    return listing.history.filter(needs_review=False).order_by("-history_date").first()


def listing_changes(listing, *, since, ignore=()):
    """Return (field label, before, after) for each content field that differs
    between historical record ``since`` and the listing's latest record."""
    current = listing.history.order_by("-history_date", "-history_id").first()
    if current is None or since is None or current.history_id == since.history_id:
        return []
    delta = current.diff_against(since, excluded_fields=[*BOOKKEEPING_FIELDS, *ignore])
    names = _related_names(delta.changes)
    changes = []
    for change in delta.changes:
        field = Listing._meta.get_field(change.field)
        before, after = change.old, change.new
        if field.many_to_many:
            key = field.m2m_reverse_field_name()
            before = ", ".join(sorted(names[field.name].get(row[key], "?") for row in before))
            after = ", ".join(sorted(names[field.name].get(row[key], "?") for row in after))
        elif field.choices:
            labels = dict(field.flatchoices)
            before, after = labels.get(before, before), labels.get(after, after)
        elif field.is_relation:
            model = field.related_model
            found = {o.pk: str(o) for o in model.objects.filter(pk__in=[before, after])}
            before, after = found.get(before, before), found.get(after, after)
        changes.append((str(field.verbose_name).capitalize(), before or "—", after or "—"))
    return changes


def _related_names(changes):
    """Map each many-to-many field's related ids in ``changes`` to display names."""
    names = {}
    for change in changes:
        field = Listing._meta.get_field(change.field)
        if not field.many_to_many:
            continue
        key = field.m2m_reverse_field_name()
        ids = {row[key] for row in [*change.old, *change.new]}
        model = Area if field.name == "areas" else Term
        names[field.name] = {o.pk: str(o) for o in model.objects.filter(pk__in=ids)}
    return names


IMPORT_REASON = "Imported from CSV"


def listings_import(*, plan, by):
    """Save a checked CSV import (``bulk.plan_import``) in one transaction.

    Each new or changed listing gets exactly one history record, with the reason
    "Imported from CSV" and its final many-to-many values: relations are set with
    history paused, then the listing is saved once. Status and review flags are
    staff's to set, as in the admin, so nothing else changes.
    """
    if plan.errors:
        raise ValueError("Only an import without errors can be saved.")
    with transaction.atomic():
        for row in plan.creates:
            scalars = {k: v for k, v in row.values.items() if k not in _RELATIONS}
            _import_one(Listing(**scalars), row.values, by=by)
        for row in plan.updates:
            for name, value in row.values.items():
                if name not in _RELATIONS:
                    setattr(row.listing, name, value)
            _import_one(row.listing, row.values, by=by)
    return len(plan.creates), len(plan.updates)


_RELATIONS = {"audiences", "age_groups", "delivery_modes", "settings", "case_types", "areas"}


def _import_one(listing, values, *, by):
    listing.skip_history_when_saving = True
    try:
        if listing.pk is None:
            listing.save()
        for name in _RELATIONS.intersection(values):
            getattr(listing, name).set(values[name])
    finally:
        del listing.skip_history_when_saving
    _save_with_history(listing, by=by, reason=IMPORT_REASON)
