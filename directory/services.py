"""Writes that carry a business rule: publishing, checks, reviews, reverts.

Each saves listings one at a time (never ``QuerySet.update``) so that every
change is recorded in the listing's history with who made it, and counted in its
``version`` (directory/concurrency.py): a form loaded before it is then refused
rather than saved over it. A write that saves a listing whole reads it again under
a lock first (``_locked``), so it never undoes a change saved meanwhile. The CSV
import is the exception: it writes thousands of rows in bulk and records the same
history itself (``bulk_writes``).
"""

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import update_change_reason

from sitecache.version import bump_version

from . import bulk_writes, contacts, provenance, vocabularies
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
    changed, refused = 0, []
    with transaction.atomic():
        for listing in _locked(listings):
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


def _locked(listings):
    """Read ``listings`` afresh, their rows locked until the transaction ends, so that
    saving them whole never undoes a change someone saved since they were loaded."""
    if hasattr(listings, "values"):
        # By id, in id order: two bulk actions on the same listings never deadlock.
        ids = listings.values("pk")
        return (
            Listing.objects.filter(pk__in=ids)
            .select_related("organisation")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
    for listing in listings:
        listing.refresh_from_db(from_queryset=Listing._base_manager.select_for_update())
    return listings


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
    kept = {"id", "uuid", "status", "created", "updated", "needs_review", "reviewed_at"}
    with transaction.atomic():
        # The status and review fields kept are the ones stored now, not those of
        # the copy the page loaded.
        _locked([listing])
        if listing.status == Listing.Status.PUBLISHED:
            organisation = Organisation.objects.filter(pk=record.organisation_id).first()
            if publish_problem(organisation=organisation, contact_routes=record.contact_routes):
                raise ValidationError(
                    "This listing is published, and that version has no way to get in "
                    "touch. Unpublish the listing first, or choose a version that has one."
                )
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
        if isinstance(before, bool) or isinstance(after, bool):
            before, after = _yes_no(before), _yes_no(after)
        elif isinstance(before, str) and isinstance(after, str):
            before, after = normalised_text(before), normalised_text(after)
            if before == after:  # only line endings or surrounding spaces differed
                continue
        changes.append((str(field.verbose_name).capitalize(), before or "—", after or "—"))
    return changes


def _yes_no(value):
    return {True: "yes", False: "no"}.get(value, value)


def normalised_text(text):
    """Return ``text`` with one kind of line ending and no spaces at the ends of lines
    or around the whole: a browser sends CR LF where the database may hold LF, and a
    save that changed only those changed nothing anyone reads."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


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


class ImportOutdated(Exception):
    """A listing changed after the import was checked: check the file again."""


def listings_import(*, plan, by):
    """Save a checked CSV import (``bulk.plan_import``) in one transaction.

    Each new or changed listing gets exactly one history record, with the reason
    "Imported from CSV", who confirmed it and its final many-to-many values, as one
    save would record; a changed listing's version goes up by one. Written in bulk
    (``bulk_writes``), so that thousands of rows save within a request, and the page
    cache is told once. Status and review flags are staff's to set, as in the admin,
    so nothing else changes. Raise ImportOutdated, saving nothing, if a listing to
    change is no longer at the version the plan read.
    """
    if plan.errors:
        raise ValueError("Only an import without errors can be saved.")
    now = timezone.now()
    with transaction.atomic():
        changed = [row.listing for row in plan.updates]
        stored = bulk_writes.lock_versions([listing.pk for listing in changed])
        if any(stored.get(listing.pk) != listing.version for listing in changed):
            raise ImportOutdated
        added = bulk_writes.create_listings(
            [Listing(**_scalars(row.values)) for row in plan.creates]
        )
        bulk_writes.update_listings(
            [(row.listing, _scalars(row.values)) for row in plan.updates], now=now
        )
        rows = [*zip(added, plan.creates, strict=True), *((r.listing, r) for r in plan.updates)]
        for name in vocabularies.RELATIONS:
            wanted = {
                listing.pk: {obj.pk for obj in row.values[name]}
                for listing, row in rows
                if name in row.values
            }
            if wanted:
                bulk_writes.set_relations(name, wanted, new={listing.pk for listing in added})
        for listings, kind in ((added, "+"), (changed, "~")):
            bulk_writes.record_history(
                listings, history_type=kind, by=by, reason=IMPORT_REASON, when=now
            )
        # Bulk writes send no signals: one bump for the whole import.
        bump_version()
    return len(added), len(changed)


def _scalars(values):
    return {name: value for name, value in values.items() if name not in vocabularies.RELATIONS}


def offences_both_ways_problem(taken, excluded):
    """Why a listing cannot both take on and not take on the same offences, or None."""
    both = sorted({term.name for term in taken or []} & {term.name for term in excluded or []})
    if not both:
        return None
    return (
        f"{', '.join(both)} cannot be both taken on and not taken on. "
        "Untick it in one of the two lists."
    )


# --- Archiving: nothing is deleted, so nothing is lost ---------------------------------

# simple-history keeps a change reason of at most 100 characters.
REASON_LENGTH = 100


def _who(user):
    """Name ``user`` in a change reason: their full name, else their username."""
    if user is None:
        return "an unknown person"
    return user.get_full_name().strip() or user.get_username()


def _reason(what, by, note=""):
    reason = f"{what} by {_who(by)}"
    note = " ".join((note or "").split())
    if note:
        reason = f"{reason}: {note}"
    if len(reason) > REASON_LENGTH:
        reason = reason[: REASON_LENGTH - 1].rstrip() + "…"
    return reason


def listings_archive(*, listings, by, note=""):
    """Archive ``listings``: off the public site, kept with their history and problem
    reports, and back (as drafts) only when forum staff restore them. Listings already
    archived are left alone. Return how many were archived."""
    reason = _reason("Archived", by, note)
    archived = 0
    with transaction.atomic():
        for listing in listings:
            if listing.status == Listing.Status.ARCHIVED:
                continue
            listing.status = Listing.Status.ARCHIVED
            _save_with_history(listing, by=by, reason=reason)
            archived += 1
    return archived


def listings_restore(*, listings, by):
    """Bring archived ``listings`` back as drafts, never straight to the public site:
    their details must be checked and published again. Others are left alone.
    Return how many were restored."""
    reason = _reason("Restored as a draft", by)
    restored = 0
    with transaction.atomic():
        for listing in listings:
            if listing.status != Listing.Status.ARCHIVED:
                continue
            listing.status = Listing.Status.DRAFT
            _save_with_history(listing, by=by, reason=reason)
            restored += 1
    return restored


def organisation_archive(*, organisation, by, note=""):
    """Hide ``organisation`` and all its listings from the public, keeping everything.

    The listings keep their own status, so a restore brings back exactly what was
    published before. Return False if it was archived already.
    """
    if organisation.archived_at is not None:
        return False
    organisation.archived_at = timezone.now()
    organisation._history_user = by
    organisation._change_reason = _reason("Archived", by, note)
    organisation.save(update_fields=["archived_at", "updated"])
    return True


def organisation_restore_problem(organisation):
    """Why ``organisation`` cannot be restored as it is, or None.

    Its shared ways to get in touch may have changed while it was archived: a
    restore must not put a listing on the site with no way to get in touch at all.
    """
    stranded = [
        listing.name
        for listing in organisation.listings.filter(status=Listing.Status.PUBLISHED).order_by(
            "name"
        )
        if listing_publish_problem(listing)
    ]
    if not stranded:
        return None
    names = ", ".join(f"“{name}”" for name in stranded)
    return (
        f"These published listings would have no way to get in touch: {names}. Give them one, "
        "share one for the organisation, or unpublish them first."
    )


def organisation_restore(*, organisation, by):
    """Show ``organisation`` and its published listings to the public again.

    Raise ValidationError if that would publish a listing with no way to get in
    touch. Return False if it was not archived.
    """
    if organisation.archived_at is None:
        return False
    problem = organisation_restore_problem(organisation)
    if problem:
        raise ValidationError(problem)
    organisation.archived_at = None
    organisation._history_user = by
    organisation._change_reason = _reason("Restored", by)
    organisation.save(update_fields=["archived_at", "updated"])
    return True
