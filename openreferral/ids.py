"""Stable ids for the records the Open Referral UK standard has and we do not store.

Listings, organisations, areas and terms have their own UUIDs. Taxonomies (our
vocabularies), phones, schedules, contacts, languages, locations and attribute links
are derived from those with uuid5, so the same record always has the same id, on
every installation.
"""

import uuid

# The namespace the vocabulary terms' and areas' ids are derived in (migrations 0002, 0004).
NAMESPACE = uuid.UUID("6f1c3a52-5d0e-4b8e-9a57-3f3d2f4b9e10")


def taxonomy_id(vocabulary):
    return uuid.uuid5(NAMESPACE, f"taxonomy:{vocabulary}")


def derived_id(owner_uuid, kind, *parts):
    """Return the id of a record that belongs to ``owner_uuid`` (a listing's phone, …)."""
    return uuid.uuid5(owner_uuid, ":".join([kind, *map(str, parts)]))
