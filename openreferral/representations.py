"""Our records as Open Referral UK (HSDS 3.0, UK profile) JSON objects.

The standard asks that optional fields with no value are left out, never sent as
null or "", so every object goes through ``compact``. Fields follow the compiled
schemas in the ORUK profile (tests/openreferral/schemas). Those schemas allow
fields they do not list, so a service also carries the HSDS 3.0 fields the UK
profile leaves out where we hold the facts: ``phones``, ``application_process``,
``interpretation_services``, ``fees_description`` and ``wait_time``, a
contact's ``email`` and ``phones``, and a language's ``name``, ``code`` and ``note``.

The taxonomies and a service's attributes come from ``directory.vocabularies``,
so a new vocabulary or term field appears here with no change to this module.
"""

from directory import contacts, vocabularies
from directory.models import Listing

from .addresses import parse_address
from .ids import derived_id, taxonomy_id

# ISO 639 codes of the languages we have terms for, by term slug. A language staff
# add without a code here is published with its name only.
LANGUAGE_CODES = {"english": "en", "british-sign-language": "bfi"}
INTERPRETERS = {
    "yes": "Interpreters can be arranged",
    "no": "The service cannot arrange interpreters",
}
FEES = {"free": "Free", "charge": "There may be a charge"}


def compact(fields):
    """Leave out the fields with no value (None, "" or an empty list)."""
    return {key: value for key, value in fields.items() if value not in (None, "", [])}


def _datetime(value):
    return value.isoformat().replace("+00:00", "Z")


# --- Taxonomies ------------------------------------------------------------------


def taxonomy(vocabulary, terms=None):
    """One of our vocabularies (a ``vocabularies.Vocabulary``) as a taxonomy; with its
    terms when ``terms`` is given."""
    fields = {
        "id": str(taxonomy_id(vocabulary.key)),
        "name": vocabulary.name,
        "description": vocabulary.description,
    }
    if terms is not None:
        fields["taxonomy_terms"] = [taxonomy_term(term) for term in terms]
    return compact(fields)


def taxonomy_term(term):
    vocabulary = vocabularies.vocabulary(term.vocabulary)
    return compact(
        {
            "id": str(term.uuid),
            "name": term.name,
            # Required by the standard; a term without its own explanation uses its name.
            "description": term.description or term.name,
            "taxonomy": vocabulary.name,
            "taxonomy_id": str(taxonomy_id(vocabulary.key)),
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
    """The service's one-to-one fields (a page of services carries only these).

    Needs no query beyond the listing and its organisation: the ways to get in
    touch are JSON fields on both.
    """
    routes = [route for _, route in _numbered_routes(listing)]
    website = next((route for route in routes if route.kind == "website"), None)
    email = next((r for r in routes if r.kind == "email" and r.for_public), None)
    fees = FEES.get(listing.cost, "")
    fields = {
        "id": str(listing.uuid),
        "organization_id": str(listing.organisation.uuid),
        "name": listing.name,
        "description": _description(listing),
        "url": website.value if website else "",
        "email": email.value if email else "",
        "status": "active",
        "interpretation_services": _sentence(INTERPRETERS.get(listing.interpreters, "")),
        # HSDS 3.0 names the field fees_description; the UK profile still lists only
        # the older "fees", so both carry the same words.
        "fees_description": fees,
        "fees": fees,
        "wait_time": listing.typical_wait,
        # The standard has no field for the registration date, so it is left out.
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
    routes = _numbered_routes(listing)
    fields.update(
        compact(
            {
                "application_process": _application_process(listing, routes),
                "service_areas": [
                    service_area(listing, area, request) for area in listing.areas.all()
                ],
                "service_at_locations": [
                    sal for sal in [service_at_location(listing, request, nested=True)] if sal
                ],
                "phones": [phone for _, phone in _phones(listing, routes)],
                "schedules": _schedules(listing, routes),
                "contacts": _contacts(listing, routes),
                "languages": _languages(listing),
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


def _sentence(text):
    """``text`` ending with a full stop ("" stays "")."""
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?")) else f"{text}."


def _accreditations(listing):
    if listing.accreditation in ("", Listing.Accreditation.NONE):
        return ""
    return listing.get_accreditation_display()


# --- Ways to get in touch -----------------------------------------------------------
# Every route the listing shows (its own, then its organisation's shared ones), with
# its place in that list: the records made from a route take their ids from the
# listing, that place, the route's kind and its value, so they stay the same from
# one request to the next.


def _numbered_routes(listing):
    """(place, route) for each well-formed route. The admin and the CSV import check
    routes, but rows saved some other way are not, and a malformed one (a phone with
    no number) would make the open data invalid: it is left out."""
    return [(index, route) for index, route in enumerate(listing.routes()) if not route.problems()]


def _route_id(listing, record, index, route):
    return str(derived_id(listing.uuid, record, index, route.kind, route.value))


def _phones(listing, routes):
    """(route, HSDS phone) for each phone and text number, in the listing's order."""
    found = []
    for index, route in routes:
        if route.kind not in ("phone", "text"):
            continue
        # "For professionals. Monday to Friday, 9am to 5pm. Ask for the duty officer."
        description = " ".join(
            _sentence(part) for part in (route.for_label, route.hours, route.note) if part
        )
        phone = {
            "id": _route_id(listing, "phone", index, route),
            "service_id": str(listing.uuid),
            # Each group's phones sit in that group's contact (see _contacts).
            "contact_id": _contact_id(listing, route.for_whom),
            "number": route.value,
            # RFC 6350 telephone types, as HSDS asks.
            "type": "voice" if route.kind == "phone" else "text",
            "description": description,
        }
        found.append((route, compact(phone)))
    return found


def _schedules(listing, routes):
    """The opening hours of each phone and text number, as the service's schedules.

    The hours are free text ("Monday to Friday, 9am to 5pm"), so they go in the
    schedule's description rather than being guessed into iCal rules.
    """
    return [
        {
            "id": _route_id(listing, "schedule", index, route),
            "service_id": str(listing.uuid),
            "description": f"{'Phone' if route.kind == 'phone' else 'Text'} "
            f"{route.value}: {route.hours}",
        }
        for index, route in routes
        if route.kind in ("phone", "text") and route.hours
    ]


def _contact_id(listing, group):
    # The contact for anyone keeps the id the service's single contact always had.
    parts = [] if group == "everyone" else [group]
    return str(derived_id(listing.uuid, "contact", *parts))


def _contacts(listing, routes):
    """One contact per group the routes are for (anyone, the public, professionals),
    with that group's first email address and its phone and text numbers; any
    further email address of a group is a contact of its own."""
    phones = _phones(listing, routes)
    found = []
    for group in contacts.FOR:
        label = contacts.PUBLIC_FOR.get(group, "")
        emails = [
            (index, route)
            for index, route in routes
            if route.kind == "email" and route.for_whom == group
        ]
        group_phones = [phone for route, phone in phones if route.for_whom == group]
        if not (emails or group_phones):
            continue
        # "Talking Together", "Talking Together: for professionals"
        name = f"{listing.name}: {label.lower()}" if label else listing.name
        first_email = emails[0][1].value if emails else ""
        found.append(
            compact(
                {
                    "id": _contact_id(listing, group),
                    "service_id": str(listing.uuid),
                    "name": name,
                    "email": first_email,
                    "phones": group_phones,
                }
            )
        )
        for index, route in emails[1:]:
            found.append(
                {
                    "id": _route_id(listing, "contact", index, route),
                    "service_id": str(listing.uuid),
                    "name": name,
                    "email": route.value,
                }
            )
    return found


def _application_process(listing, routes):
    steps = [listing.how_to_refer]
    if listing.self_referral:
        steps.append("People can contact the service themselves.")
    for _, route in routes:
        who = f" ({route.for_label.lower()})" if route.for_label else ""
        if route.kind == "referral_form":
            note = f" {_sentence(route.note)}" if route.note else ""
            steps.append(f"Online referral form{who}: {route.value}{note}")
        elif route.kind == "ask_professional":
            steps.append(_sentence(route.label))
    return "\n\n".join(step for step in steps if step)


# --- Languages and terms --------------------------------------------------------------


def _languages(listing):
    """The languages the service works in, with a note when interpreters can be arranged."""
    note = INTERPRETERS["yes"] if listing.interpreters == "yes" else ""
    return [
        compact(
            {
                "id": str(derived_id(listing.uuid, "language", term.uuid)),
                "service_id": str(listing.uuid),
                "name": term.name,
                "code": LANGUAGE_CODES.get(term.slug, ""),
                "note": note,
            }
        )
        for term in listing.languages.all()
    ]


def _attributes(listing):
    """Link the service to each of its terms, in the order of vocabularies.TERM_FIELDS.

    A vocabulary's second field (offences not taken on) has a link_type of its own,
    so an aggregator can tell "takes on burglary" from "does not take on burglary".
    """
    attributes = []
    for spec in vocabularies.TERM_FIELDS:
        link_type = spec.link_type
        # The first field of a vocabulary keeps the ids it has always had.
        parts = [] if link_type == spec.vocabulary else [link_type]
        for term in getattr(listing, spec.name).all():
            attributes.append(
                {
                    "id": str(derived_id(listing.uuid, "attribute", *parts, term.uuid)),
                    "link_id": str(listing.uuid),
                    "link_type": link_type,
                    "link_entity": "service",
                    "taxonomy_term_id": str(term.uuid),
                    "taxonomy_term": taxonomy_term(term),
                }
            )
    return attributes
