"""Writes that carry a business rule: publishing, checks, reviews, reverts.

Each saves listings one at a time (never ``QuerySet.update``) so that every
change is recorded in the listing's history with who made it.
"""

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import update_change_reason

from . import contacts, provenance, vocabularies
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


# --- Publishing ------------------------------------------------------------------


def publish_problem(*, organisation, contact_routes):
    """Why a listing with these routes cannot be published, in plain words, or None.

    A published listing needs at least one way to get in touch: its own, or one
    its ``organisation`` shares.
    """
    shared = organisation.contact_routes if organisation is not None else []
    if contacts.effective_routes(contact_routes, shared):
        return None
    whose = f", and {organisation} has no shared ones" if organisation is not None else ""
    return (
        f"It has no way to get in touch{whose}. Add a phone number, email address, website "
        "or referral form under “Ways to get in touch” first."
    )


def listing_publish_problem(listing):
    """Why ``listing`` cannot be published as it is, or None."""
    return publish_problem(organisation=listing.organisation, contact_routes=listing.contact_routes)


class StatusChange(NamedTuple):
    changed: int
    refused: list  # (listing, why) for each listing that could not be published


def listings_set_status(*, listings, status, by):
    """Publish, unpublish (back to draft) or archive ``listings``.

    A listing with no way to get in touch is not published; the others are.
    Return how many changed and which were refused, with why.
    """
    if hasattr(listings, "select_related"):
        listings = listings.select_related("organisation")
    changed, refused = 0, []
    with transaction.atomic():
        for listing in listings:
            if listing.status == status:
                continue
            if status == Listing.Status.PUBLISHED:
                problem = listing_publish_problem(listing)
                if problem:
                    refused.append((listing, problem))
                    continue
            listing.status = status
            reason = f"Status set to {Listing.Status(status).label.lower()}"
            _save_with_history(listing, by=by, reason=reason)
            changed += 1
    return StatusChange(changed, refused)


def unique_listing_slug(name, *, listing=None):
    """Return a web address part made from ``name`` that no other listing has."""
    base = slugify(name)[:190].strip("-") or "listing"
    others = Listing.objects.exclude(pk=listing.pk) if listing and listing.pk else Listing.objects
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def listing_record_provider_edit(listing, *, day=None):
    """Note in the listing's sources that its provider edited it (not saved here)."""
    listing.sources = provenance.with_provider_edit(
        listing.sources, organisation=listing.organisation, day=day or timezone.localdate()
    )
    return listing


# --- Organisations' shared ways to get in touch --------------------------------------

SHARED_ROUTES_REASON = "Shared ways to get in touch changed"


def organisation_routes_problem(*, organisation, contact_routes):
    """Why ``organisation`` cannot share only ``contact_routes``, or None.

    Taking away the last shared route must not leave a published listing of the
    organisation with no way to get in touch at all.
    """
    if organisation.pk is None or contact_routes:
        return None
    stranded = [
        listing.name
        for listing in organisation.listings.published().order_by("name")
        if not contacts.routes(listing.contact_routes)
    ]
    if not stranded:
        return None
    names = ", ".join(f"“{name}”" for name in stranded)
    return (
        f"These published listings would have no way to get in touch: {names}. "
        "Give them their own first, or keep at least one shared way to get in touch."
    )


def organisation_set_routes(*, organisation, contact_routes, by):
    """Change only the shared ways to get in touch of ``organisation``, recorded in its
    history with who did it. Raise ValidationError if that would strand a listing."""
    problem = organisation_routes_problem(organisation=organisation, contact_routes=contact_routes)
    if problem:
        raise ValidationError(problem)
    contacts.validate_routes(contact_routes)
    organisation.contact_routes = contact_routes
    organisation._history_user = by
    organisation._change_reason = SHARED_ROUTES_REASON
    organisation.save(update_fields=["contact_routes", "updated"])
    return organisation


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
    if listing.status == Listing.Status.PUBLISHED:
        organisation = Organisation.objects.filter(pk=record.organisation_id).first()
        if publish_problem(organisation=organisation, contact_routes=record.contact_routes):
            raise ValidationError(
                "This listing is published, and that version has no way to get in touch. "
                "Unpublish the listing first, or choose a version that has one."
            )
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
        elif field.name in _LINE_FORMATS:
            before, after = _LINE_FORMATS[field.name](before), _LINE_FORMATS[field.name](after)
        elif field.choices:
            labels = dict(field.flatchoices)
            before, after = labels.get(before, before), labels.get(after, after)
        elif field.is_relation:
            model = field.related_model
            found = {o.pk: str(o) for o in model.objects.filter(pk__in=[before, after])}
            before, after = found.get(before, before), found.get(after, after)
        changes.append((str(field.verbose_name).capitalize(), before or "—", after or "—"))
    return changes


# JSON lists shown one entry a line, as in the CSV.
_LINE_FORMATS = {"contact_routes": contacts.to_text, "sources": provenance.to_text}


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


_RELATIONS = set(vocabularies.RELATIONS)


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


def offences_both_ways_problem(taken, excluded):
    """Why a listing cannot both take on and not take on the same offences, or None."""
    both = sorted({term.name for term in taken or []} & {term.name for term in excluded or []})
    if not both:
        return None
    return (
        f"{', '.join(both)} cannot be both taken on and not taken on. "
        "Untick it in one of the two lists."
    )
