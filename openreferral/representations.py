"""Our records as Open Referral UK (HSDS 3.0, UK profile) JSON objects.

The standard asks that optional fields with no value are left out, never sent as
null or "", so every object goes through ``compact``. Fields follow the compiled
schemas in the ORUK profile; ``phones`` and ``application_process`` are HSDS 3.0
fields the UK profile's compiled schema does not list but allows.
"""

from directory.models import Listing, Term

from .addresses import parse_address
from .ids import derived_id, taxonomy_id

TAXONOMY_DESCRIPTIONS = {
    Term.Vocabulary.AUDIENCE: "Who a restorative justice service is for.",
    Term.Vocabulary.AGE_GROUP: "The age groups a service works with.",
    Term.Vocabulary.DELIVERY_MODE: "How restorative justice is delivered.",
    Term.Vocabulary.SETTING: "Where or alongside which other services the work happens.",
    Term.Vocabulary.CASE_TYPE: "Complex and sensitive cases a service is trained to take on.",
}
# The many-to-many fields of a listing that hold each vocabulary's terms.
TERM_FIELDS = {
    Term.Vocabulary.AUDIENCE: "audiences",
    Term.Vocabulary.AGE_GROUP: "age_groups",
    Term.Vocabulary.DELIVERY_MODE: "delivery_modes",
    Term.Vocabulary.SETTING: "settings",
    Term.Vocabulary.CASE_TYPE: "case_types",
}


def compact(fields):
    """Leave out the fields with no value (None, "" or an empty list)."""
    return {key: value for key, value in fields.items() if value not in (None, "", [])}


def _datetime(value):
    return value.isoformat().replace("+00:00", "Z")


# --- Taxonomies ------------------------------------------------------------------


def taxonomy(vocabulary, terms=None):
    """One of our vocabularies as a taxonomy; with its terms when ``terms`` is given."""
    vocabulary = Term.Vocabulary(vocabulary)
    fields = {
        "id": str(taxonomy_id(vocabulary)),
        "name": vocabulary.label,
        "description": TAXONOMY_DESCRIPTIONS[vocabulary],
    }
    if terms is not None:
        fields["taxonomy_terms"] = [taxonomy_term(term) for term in terms]
    return compact(fields)


def taxonomy_term(term):
    vocabulary = Term.Vocabulary(term.vocabulary)
    return compact(
        {
            "id": str(term.uuid),
            "name": term.name,
            # Required by the standard; a term without its own explanation uses its name.
            "description": term.description or term.name,
            "taxonomy": vocabulary.label,
            "taxonomy_id": str(taxonomy_id(vocabulary)),
            "term": term.slug,
        }
    )


# --- Organisations ---------------------------------------------------------------


def organization(org, request, services=None):
    fields = {
        "id": str(org.uuid),
        "name": org.name,
        # Required by the standard; an organisation without a description gets its kind.
        "description": org.description or f"{org.name}: {org.get_kind_display()}.",
        "website": org.website,
        "uri": request.build_absolute_uri(org.get_absolute_url()),
    }
    if services is not None:
        fields["services"] = [service_summary(listing, request) for listing in services]
    return compact(fields)


# --- Services --------------------------------------------------------------------


def service_summary(listing, request, with_organization=True):
    """The service's one-to-one fields (a page of services carries only these)."""
    fields = {
        "id": str(listing.uuid),
        "organization_id": str(listing.organisation.uuid),
        "name": listing.name,
        "description": _description(listing),
        "url": listing.website,
        "email": listing.email,
        "status": "active",
        "accreditations": _accreditations(listing),
        # Annotated by ListingQuerySet.with_age_range().
        "minimum_age": getattr(listing, "minimum_age", None),
        "maximum_age": getattr(listing, "maximum_age", None),
        "assured_date": listing.last_checked.isoformat(),
        "last_modified": _datetime(listing.updated),
    }
    if with_organization:
        fields["organization"] = organization(listing.organisation, request)
    return compact(fields)


def service(listing, request):
    """The fully nested service. Expects the prefetches in ``queries.full_services``."""
    fields = service_summary(listing, request)
    fields.update(
        compact(
            {
                "application_process": _application_process(listing),
                "service_areas": [
                    service_area(listing, area, request) for area in listing.areas.all()
                ],
                "service_at_locations": [
                    sal for sal in [service_at_location(listing, request, nested=True)] if sal
                ],
                "phones": _phones(listing),
                "contacts": _contacts(listing),
                "attributes": _attributes(listing),
            }
        )
    )
    return fields


def service_area(listing, area, request):
    return compact(
        {
            "id": str(area.uuid),
            "service_id": str(listing.uuid),
            "name": area.name,
            "service_area": area.name,
            "uri": request.build_absolute_uri(area.get_absolute_url()),
        }
    )


def service_at_location(listing, request, nested=False):
    """Where visitors can go to the service; None when it has no public address.

    Inside a service (``nested``) the service itself is not repeated.
    """
    if not listing.address.strip():
        return None
    location_id = str(derived_id(listing.uuid, "location"))
    address = parse_address(listing.address)
    location = {
        "id": location_id,
        "location_type": "physical",
        "name": listing.name,
        "description": " ".join(listing.address.split()),
        "addresses": [
            {
                "id": str(derived_id(listing.uuid, "address")),
                "location_id": location_id,
                **address,
                "country": "GB",
                "address_type": "physical",
            }
        ]
        if address
        else [],
    }
    fields = {
        # A service has at most one location, so the link between them shares its id.
        "id": str(listing.uuid),
        "service_id": str(listing.uuid),
        "location_id": location_id,
        "location": compact(location),
    }
    if not nested:
        fields["service"] = service_summary(listing, request)
    return fields


def _description(listing):
    return "\n\n".join(part for part in (listing.summary, listing.description) if part)


def _accreditations(listing):
    if listing.accreditation in ("", Listing.Accreditation.NONE):
        return ""
    return listing.get_accreditation_display()


def _application_process(listing):
    steps = [listing.how_to_refer]
    if listing.self_referral:
        steps.append("People can contact the service themselves.")
    if listing.referral_form_url:
        steps.append(f"Referral form: {listing.referral_form_url}")
    return "\n\n".join(step for step in steps if step)


def _phones(listing):
    if not listing.phone:
        return []
    return [
        {
            "id": str(derived_id(listing.uuid, "phone")),
            "service_id": str(listing.uuid),
            "number": listing.phone,
        }
    ]


def _contacts(listing):
    """The service's own contact point: its email and phone, under the service's name."""
    if not (listing.phone or listing.email):
        return []
    return [
        compact(
            {
                "id": str(derived_id(listing.uuid, "contact")),
                "service_id": str(listing.uuid),
                "name": listing.name,
                "email": listing.email,
                "phones": _phones(listing),
            }
        )
    ]


def _attributes(listing):
    """Link the service to each of its terms, in vocabulary order."""
    attributes = []
    for vocabulary, field in TERM_FIELDS.items():
        for term in getattr(listing, field).all():
            attributes.append(
                {
                    "id": str(derived_id(listing.uuid, "attribute", term.uuid)),
                    "link_id": str(listing.uuid),
                    "link_type": vocabulary.value,
                    "link_entity": "service",
                    "taxonomy_term_id": str(term.uuid),
                    "taxonomy_term": taxonomy_term(term),
                }
            )
    return attributes
