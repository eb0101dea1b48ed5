"""schema.org data about a listing, for search engines (JSON-LD in the listing's page).

Only facts the page itself shows, and no empty values: a missing phone number is left
out rather than published as "".
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .models import Organisation

PROVIDER_TYPES = {Organisation.Kind.STATUTORY: "GovernmentOrganization"}

# As Django's json_script: with <, > and & written as \u escapes, nothing a provider
# types can close the <script> element or start an HTML comment inside it.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def listing_service(listing, *, url):
    """Return ``listing`` as a schema.org Service run by its organisation.

    ``url`` is the listing page's absolute address. Expects the organisation, areas and
    audiences to be fetched already (the listing page prefetches them).
    """
    organisation = listing.organisation
    provider = {
        "@type": PROVIDER_TYPES.get(organisation.kind, "Organization"),
        "name": organisation.name,
        **_present(url=organisation.website),
    }
    # Service has no telephone or email of its own in schema.org: the service's contact
    # details are the provider's contact point for this service.
    routes = listing.public_routes()
    contact = _present(telephone=_first(routes, "phone"), email=_first(routes, "email"))
    if contact:
        provider["contactPoint"] = {"@type": "ContactPoint", "contactType": listing.name, **contact}

    channel = _present(serviceUrl=_first(routes, "website"))
    if listing.address.strip():
        channel["serviceLocation"] = {"@type": "Place", "address": listing.address.strip()}

    service = {
        "@context": "https://schema.org",
        "@type": "Service",
        "name": listing.name,
        "serviceType": "Restorative justice",
        "url": url,
        **_present(description=listing.summary),
        "provider": provider,
        "areaServed": [
            {"@type": "AdministrativeArea", "name": area.name} for area in listing.areas.all()
        ],
        "audience": [
            {"@type": "Audience", "audienceType": term.name} for term in listing.audiences.all()
        ],
    }
    if channel:
        service["availableChannel"] = {"@type": "ServiceChannel", **channel}
    return {key: value for key, value in service.items() if value != []}


def json_ld_script(data):
    """Return ``data`` as a <script type="application/ld+json"> element, safe in HTML."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    # Safe to mark: every character that could end the element is escaped just above, and
    # format_html's own escaping (&quot;) would corrupt the JSON, as entities are not
    # decoded inside <script>.
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),
    )


def _first(routes, kind):
    """The details of the first of ``routes`` of ``kind``, or ""."""
    return next((route.value for route in routes if route.kind == kind), "")


def _present(**values):
    """Return the values that are not blank, stripped."""
    return {key: value.strip() for key, value in values.items() if value and value.strip()}
