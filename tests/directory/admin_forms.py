"""POST data as the admin's listing and organisation forms send it, for the admin tests.

The ways to get in touch and the sources are rows of a formset
(directory/admin/rows.py), so their POST data carries a management form;
``rows_data`` builds it from stored entries.
"""

from directory import vocabularies
from directory.admin import rows
from directory.models import Organisation


def _ids(manager):
    return sorted(manager.values_list("pk", flat=True))


def rows_data(name, entries, *, spec=None, extra=0):
    """Return the POST data of RowsField ``name`` holding ``entries`` (stored dicts),
    with ``extra`` empty rows after them."""
    spec = spec or (rows.SOURCES if name == "sources" else rows.ROUTES)
    filled = spec.initial(entries)
    data = {
        f"{name}-TOTAL_FORMS": str(len(filled) + extra),
        f"{name}-INITIAL_FORMS": str(len(filled)),
        f"{name}-MIN_NUM_FORMS": "0",
        f"{name}-MAX_NUM_FORMS": str(spec.max_rows),
    }
    for number, entry in enumerate(filled):
        for key, value in entry.items():
            data[f"{name}-{number}-{key}"] = value
    return data


def listing_form_data(listing, *, contact_routes=None, sources=None, **overrides):
    """Return the POST data the admin's change form would send for ``listing``.

    ``contact_routes`` and ``sources`` replace the listing's own (lists of stored
    dicts); other keyword arguments replace single fields, and None drops one.
    """
    data = {
        "name": listing.name,
        "slug": listing.slug,
        "organisation": listing.organisation_id,
        "summary": listing.summary,
        "description": listing.description,
        "areas": _ids(listing.areas),
        "how_to_refer": listing.how_to_refer,
        "address": listing.address,
        "typical_wait": listing.typical_wait,
        "interpreters": listing.interpreters,
        "cost": listing.cost,
        "_save": "Save",
    }
    for spec in vocabularies.TERM_FIELDS:
        data[spec.name] = _ids(getattr(listing, spec.name))
    if listing.self_referral:
        data["self_referral"] = "on"
    data.update(
        rows_data(
            "contact_routes",
            listing.contact_routes if contact_routes is None else contact_routes,
            extra=2,
        )
    )
    data.update(rows_data("sources", listing.sources if sources is None else sources))
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def phone(number, **extra):
    """A stored phone route."""
    return {"kind": "phone", "value": number, **extra}


def share_routes(organisation, routes):
    """Give ``organisation`` shared ``routes`` without a history record of its own."""
    Organisation.objects.filter(pk=organisation.pk).update(contact_routes=routes)
    organisation.contact_routes = routes
    return organisation
