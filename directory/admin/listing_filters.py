"""The filters a curator uses on the listings list, titled in plain words.

Each filters the changelist's own queryset, so a provider editor, whose list
ListingAdmin.get_queryset narrows to their organisations, never sees another
organisation's listing through any of them; the choices offered (areas, who it is
for) are reference data, not listings.
"""

from django.contrib import admin
from django.db.models import Q

from directory.models import Area, Organisation, Term


class AreaFilter(admin.SimpleListFilter):
    """Listings whose areas include the chosen one (not those covering it from above)."""

    title = "area covered"
    parameter_name = "area"

    def lookups(self, request, model_admin):
        return [(str(area.pk), area.name) for area in Area.objects.order_by("name")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(areas=int(value)).distinct()


class AudienceFilter(admin.SimpleListFilter):
    title = "who it is for"
    parameter_name = "audience"

    def lookups(self, request, model_admin):
        terms = Term.objects.filter(vocabulary=Term.Vocabulary.AUDIENCE).order_by("name")
        return [(term.slug, term.name) for term in terms]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(
            audiences__slug=self.value(), audiences__vocabulary=Term.Vocabulary.AUDIENCE
        ).distinct()


class ContactFilter(admin.SimpleListFilter):
    """A listing people cannot reach: no routes of its own, none shared by its
    organisation (directory.contacts.effective_routes would give nothing)."""

    title = "ways to get in touch"
    parameter_name = "contact"
    NONE = "none"
    SOME = "some"

    def lookups(self, request, model_admin):
        return [(self.NONE, "No way to get in touch"), (self.SOME, "At least one")]

    def queryset(self, request, queryset):
        unreachable = Q(contact_routes=[]) & Q(organisation__contact_routes=[])
        if self.value() == self.NONE:
            return queryset.filter(unreachable)
        if self.value() == self.SOME:
            return queryset.exclude(unreachable)
        return queryset


class OrganisationKindFilter(admin.SimpleListFilter):
    title = "who runs it"
    parameter_name = "organisation_kind"

    def lookups(self, request, model_admin):
        return Organisation.Kind.choices

    def queryset(self, request, queryset):
        if self.value() in Organisation.Kind.values:
            return queryset.filter(organisation__kind=self.value())
        return queryset


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "changed by a provider"
    parameter_name = "needs_review__exact"  # Django's own name, for old bookmarks

    def lookups(self, request, model_admin):
        return [("1", "Waiting for review"), ("0", "Reviewed")]

    def queryset(self, request, queryset):
        if self.value() in ("1", "0"):
            return queryset.filter(needs_review=self.value() == "1")
        return queryset


class OrganisationFilter(admin.RelatedFieldListFilter):
    """Django's organisation filter, titled for people."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "organisation"
