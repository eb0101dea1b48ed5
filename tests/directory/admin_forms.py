"""POST data as the admin's listing and organisation forms send it, for the admin tests.

The ways to get in touch and the sources are rows of a formset
(directory/admin/rows.py), so their POST data carries a management form;
``rows_data`` builds it from stored entries. Every change form also sends the
version of the row it was loaded with (directory/admin/edit_conflicts.py):
``edit_version`` gives the one stored now, as a form just loaded would send.
``page_form`` reads a form from a page exactly as a browser would send it.
"""

from html.parser import HTMLParser

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


def edit_version(obj):
    """The hidden field a change form of ``obj`` loaded now sends: its stored version."""
    if obj.pk is None:
        return {}
    version = type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True).first()
    return {"edit_version": str(version)}


def listing_form_data(listing, *, contact_routes=None, sources=None, **overrides):
    """Return the POST data the admin's change form would send for ``listing``.

    ``contact_routes`` and ``sources`` replace the listing's own (lists of stored
    dicts); other keyword arguments replace single fields, and None drops one.
    """
    data = {
        **edit_version(listing),
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


def organisation_form_data(organisation, *, contact_routes=None, **overrides):
    """Return the POST data the admin's organisation form would send for ``organisation``
    (None for a keyword argument drops that field)."""
    data = {
        **edit_version(organisation),
        "name": organisation.name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "description": organisation.description,
        "website": organisation.website,
        **rows_data(
            "contact_routes",
            organisation.contact_routes if contact_routes is None else contact_routes,
            extra=2,
        ),
        "_save": "Save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def shared_routes_data(organisation, routes, **extra):
    """Return the POST data of the shared-ways-to-get-in-touch page holding ``routes``."""
    return {**edit_version(organisation), **rows_data("contact_routes", routes, extra=2), **extra}


class _FormReader(HTMLParser):
    """Every form of a page: [(its id, [(name, value) a browser would send])]."""

    def __init__(self):
        super().__init__()
        self.forms, self.pairs = [], None
        self.select, self.textarea = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.pairs = []
            self.forms.append((attrs.get("id"), self.pairs))
        if self.pairs is None:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") not in ("checkbox", "radio"):
                self.pairs.append((name, attrs.get("value") or ""))
            elif "checked" in attrs:
                self.pairs.append((name, attrs.get("value") or "on"))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.pairs.append((self.select, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.pairs = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # Browsers drop the line break that starts a textarea's content.
            self.pairs.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None


def page_form(response, form_id=None, **changes):
    """Return what a browser sends from the form ``form_id`` of ``response`` (without an
    id: the page's biggest form) as {name: [values]}, with ``changes`` made (a value
    or a list of values for each name)."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    found = [pairs for id_, pairs in reader.forms if form_id is None or id_ == form_id]
    assert found, f"no form {form_id or ''} on the page"
    data = {}
    for name, value in max(found, key=len):
        data.setdefault(name, []).append(value)
    data.pop("csrfmiddlewaretoken", None)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return data
