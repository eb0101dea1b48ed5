"""The listing change form: its rows, its words for a provider, and its read-only parts.

``ListingAdminForm`` makes a new listing's web address from its name and refuses
to publish a listing with no way to get in touch. ``ListingReadOnlyFieldsMixin``
holds what the form shows but nobody edits there: the organisation's shared ways
to get in touch, and for editors the status and sources staff decide.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html, format_html_join

from directory import contacts, provenance, services
from directory.models import Listing

from . import rows
from .edit_conflicts import EditConflictForm

ROUTES_HELP = (
    "One row for each phone number, email address, link or referral form, and who it is "
    "for. Your organisation's shared ways to get in touch are shown as well, unless you "
    "give your own of the same kind here. To remove one, empty its row. There are two "
    "empty rows for new ones: save to get more."
)
SOURCES_HELP = (
    "Where each fact on this listing came from, with the date of the source. The public "
    f"page names the kinds of source. An editor's save adds “{provenance.KINDS['provider']}”, "
    "dated that day, by itself."
)
# Labels and help written for the provider filling in the form, where the model's
# own words are not the best for them.
FORM_WORDS = {
    "name": {"label": "Name of the service"},
    "summary": {
        "help_text": "One sentence saying what the service does and who it is for. "
        "It is shown in search results."
    },
    "areas": {
        "help_text": "Choose the largest area the service covers in full: choosing a "
        "county covers every town in it."
    },
    "address": {
        "label": "Address to visit",
        "help_text": "Only if people can come to this address. Leave it empty otherwise.",
    },
    "status": {"help_text": "Only published listings are on the public site."},
    "slug": {
        "help_text": "The last part of the listing's web address. Leave it empty for a new "
        "listing to make it from the name. Changing it breaks links to the listing."
    },
}


def describe_route(route):
    """One way to get in touch in words: "Phone: 0116 496 0000, 9am to 5pm (for the public)"."""
    text = route.kind_label
    if route.kind != "ask_professional" or route.note:
        text += f": {route.label}"
    if route.hours:
        text += f", {route.hours}"
    if route.for_label:
        text += f" ({route.for_label.lower()})"
    return text


def _bullets(items):
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i,) for i in items)))


class ListingAdminForm(EditConflictForm):
    """The listing form: the slug made from the name, no publishing without a way to
    get in touch, and no saving over someone else's change (EditConflictForm)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
        status = self.fields.get("status")
        if status is not None and self.instance.organisation_id is not None:
            problem = services.listing_publish_problem(self.instance)
            if problem:
                published = self.instance.status == Listing.Status.PUBLISHED
                verb = "stay published" if published else "be published yet"
                status.help_text = f"This listing cannot {verb}. {problem}"

    def clean(self):
        data = super().clean()
        if "slug" in self.fields:
            if not data.get("slug") and data.get("name"):
                data["slug"] = services.unique_listing_slug(data["name"], listing=self.instance)
        elif self.instance.pk is None and data.get("name"):
            # Editors never see the web address: a new listing's is made from its name.
            self.instance.slug = services.unique_listing_slug(data["name"])
        self._check_publishable(data)
        problem = services.offences_both_ways_problem(
            data.get("offence_types"), data.get("excluded_offence_types")
        )
        if problem and "excluded_offence_types" in self.fields:
            self.add_error("excluded_offence_types", problem)
        return data

    def _check_publishable(self, data):
        in_form = "status" in self.fields
        status = data.get("status") if in_form else self.instance.status
        if status != Listing.Status.PUBLISHED or "contact_routes" not in data:
            return
        if "organisation" in self.fields:
            organisation = data.get("organisation")
            if organisation is None:
                return
        else:
            organisation = self.instance.organisation
        problem = services.publish_problem(
            organisation=organisation, contact_routes=data["contact_routes"]
        )
        if problem is None:
            return
        if in_form:
            self.add_error("status", f"This listing cannot be published. {problem}")
        else:
            self.add_error(
                "contact_routes",
                "This listing is on the public site, so it must keep at least one way to get "
                f"in touch, and {organisation} has no shared ones. Add one here.",
            )


def rows_field_for(name):
    """Return the rows field that edits the listing's JSON list field ``name``, or None."""
    if name == "contact_routes":
        return rows.routes_field(label="Ways to get in touch", help_text=ROUTES_HELP)
    if name == "sources":
        return rows.sources_field(label="Where the information came from", help_text=SOURCES_HELP)
    return None


def form_words(name, field):
    """Give form ``field`` the label and help written for a provider, where there are some."""
    if field is not None:
        for attribute, value in FORM_WORDS.get(name, {}).items():
            setattr(field, attribute, value)
    return field


# What an editor sees as read-only text in place of a field staff decide.
EDITOR_FIELDS = {
    "organisation": "organisation_name",
    "status": "status_summary",
    "sources": "sources_list",
}


class ListingReadOnlyFieldsMixin:
    """The listing admin's read-only fields that are not model fields."""

    @admin.display(description="Organisation")
    def organisation_name(self, obj):
        return obj.organisation.name

    @admin.display(description="Status")
    def status_summary(self, obj):
        if obj.pk is None:
            return "Draft. Forum staff publish new listings after a review."
        text = f"{obj.get_status_display()}."
        problem = services.listing_publish_problem(obj)
        if problem and obj.status == Listing.Status.PUBLISHED:
            text += f" {problem}"
        elif problem:
            text += f" Forum staff cannot publish it yet. {problem}"
        return text

    @admin.display(description="Where the information came from")
    def sources_list(self, obj):
        after = "When you save, this listing records that your organisation updated it today."
        found = provenance.sources(obj.sources)
        if not found:
            return format_html("<p>Nothing recorded yet.</p><p>{}</p>", after)
        items = format_html_join(
            "",
            "<li>{}, {}{}</li>",
            (
                (
                    source.kind_label,
                    dateformat.format(source.day, "j F Y") if source.day else "date not known",
                    format_html(": {}", source.title) if source.title else "",
                )
                for source in found
            ),
        )
        return format_html("<ul>{}</ul><p>{}</p>", items, after)

    @admin.display(description="Shared by the organisation")
    def shared_routes(self, obj):
        if obj.organisation_id is None:
            return (
                "Once the listing is saved, the ways to get in touch its organisation "
                "shares are shown here."
            )
        organisation = obj.organisation
        own_kinds = {route.kind for route in contacts.routes(obj.contact_routes)}
        shared = contacts.routes(organisation.contact_routes)
        shown = [describe_route(r) for r in shared if r.kind not in own_kinds]
        replaced = [describe_route(r) for r in shared if r.kind in own_kinds]
        parts = []
        if shown:
            parts.append(format_html("<p>Also shown from {}:</p>{}", organisation, _bullets(shown)))
        if replaced:
            parts.append(
                format_html(
                    "<p>Not shown, because this listing gives its own of the same kind:</p>{}",
                    _bullets(replaced),
                )
            )
        if not shared:
            parts.append(format_html("<p>{} shares no ways to get in touch.</p>", organisation))
        url = reverse("admin:directory_listing_shared_routes", args=[organisation.pk])
        parts.append(
            format_html(
                '<p><a href="{}?listing={}">Change {}’s shared ways to get in touch</a></p>',
                url,
                obj.pk or "",
                organisation,
            )
        )
        return format_html_join("", "{}", ((part,) for part in parts))
