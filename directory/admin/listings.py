"""The listings admin: provider editors keep their own listings (and their
organisation's shared ways to get in touch) current; forum staff publish,
review, and revert.

Nobody deletes a listing: it is archived instead, off the public site but kept
with its history and problem reports. Editors may archive their own listings
(that is how a provider withdraws a service); only forum staff restore one, and
it comes back as a draft to be checked before it is published again.

Every permission hook narrows to the editor's own organisations, so lists,
searches, change pages, history pages, actions and popups never reach another
organisation's listings.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from directory import services, vocabularies
from directory.models import CHECK_AFTER_MONTHS, Listing, Organisation, months_before
from directory.roles import editable_organisation_ids, is_forum_staff

from .edit_conflicts import EditConflictAdminMixin
from .history import PlainHistoryAdminMixin
from .listing_csv import ListingCSVMixin
from .listing_filters import (
    AreaFilter,
    AudienceFilter,
    ContactFilter,
    NeedsReviewFilter,
    OrganisationFilter,
    OrganisationKindFilter,
)
from .listing_form import (
    EDITOR_FIELDS,
    ListingAdminForm,
    ListingReadOnlyFieldsMixin,
    form_words,
    rows_field_for,
)
from .shared_routes import SharedRoutesMixin

TERM_FIELDS = set(vocabularies.FIELD_NAMES)


def plural(count):
    return "listing" if count == 1 else "listings"


class StatusFilter(admin.SimpleListFilter):
    """Status, leaving archived listings out unless they are asked for: they are
    kept, not current, and would otherwise crowd the list."""

    title = "status"
    # The name Django's own status filter used, so bookmarked filters keep working.
    parameter_name = "status__exact"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Listing.Status.choices, (self.ALL, "All, archived ones too")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ALL:
            return queryset
        if value in Listing.Status.values:
            return queryset.filter(status=value)
        return queryset.exclude(status=Listing.Status.ARCHIVED)

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        choices[0]["display"] = "Draft and published"
        return choices


class FreshnessFilter(admin.SimpleListFilter):
    title = "last checked"
    parameter_name = "freshness"

    def lookups(self, request, model_admin):
        return [
            ("stale", f"Needs checking (over {CHECK_AFTER_MONTHS} months)"),
            ("fresh", "Checked recently"),
        ]

    def queryset(self, request, queryset):
        cutoff = months_before(timezone.localdate(), CHECK_AFTER_MONTHS)
        if self.value() == "stale":
            return queryset.filter(last_checked__lt=cutoff)
        if self.value() == "fresh":
            return queryset.filter(last_checked__gte=cutoff)
        return queryset


@admin.register(Listing)
class ListingAdmin(
    ListingCSVMixin,
    SharedRoutesMixin,
    ListingReadOnlyFieldsMixin,
    EditConflictAdminMixin,
    PlainHistoryAdminMixin,
    SimpleHistoryAdmin,
):
    # Few, short columns, so that the list fits 1280 pixels beside the filters; the
    # change page has the rest (static/admin/css/directory.css sets the widths).
    list_display = ["name", "organisation", "status", "freshness", "to_review"]
    search_fields = ["name", "summary"]
    list_select_related = ["organisation"]
    filter_horizontal = ["areas"]
    change_form_template = "admin/directory/listing/change_form.html"
    change_list_template = "admin/directory/listing/change_list.html"
    history_list_display = ["revert_link"]
    form = ListingAdminForm
    # A web address typed without a scheme is taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["publish", "unpublish", "archive", "restore", "mark_reviewed", "export_csv"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "organisation", "summary", "description"]}),
        (
            "Who it is for and how it works",
            {
                "fields": [
                    "audiences",
                    "age_groups",
                    "delivery_modes",
                    "settings",
                    "areas",
                ]
            },
        ),
        (
            "What the service takes on",
            {
                "fields": [
                    "offence_types",
                    "excluded_offence_types",
                    "case_types",
                    "stages",
                    "prisons",
                ]
            },
        ),
        (
            "How to get in touch and be referred",
            {
                "fields": [
                    "contact_routes",
                    "shared_routes",
                    "self_referral",
                    "referrers",
                    "how_to_refer",
                    "address",
                    "typical_wait",
                    "languages",
                    "interpreters",
                    "cost",
                ]
            },
        ),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "accreditation",
                    "accreditation_date",
                    "sources",
                    "last_checked",
                    "needs_review",
                    "uuid",
                    "created",
                    "updated",
                ]
            },
        ),
    ]

    # --- Who sees what -------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_forum_staff(request.user):
            return queryset
        return queryset.filter(organisation__in=editable_organisation_ids(request.user))

    def _owns(self, request, obj):
        if obj is None or is_forum_staff(request.user):
            return True
        return obj.organisation_id in editable_organisation_ids(request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._owns(request, obj)

    def has_change_permission(self, request, obj=None):
        if not (super().has_change_permission(request, obj) and self._owns(request, obj)):
            return False
        # An archived listing is withdrawn: its editors may read it, not change it.
        archived = obj is not None and obj.status == Listing.Status.ARCHIVED
        return not archived or is_forum_staff(request.user)

    def has_add_permission(self, request):
        if not super().has_add_permission(request):
            return False
        return is_forum_staff(request.user) or bool(editable_organisation_ids(request.user))

    def has_delete_permission(self, request, obj=None):
        # Nobody, superusers included: deleting would lose the listing's history and
        # its problem reports. Archive it instead (it can be restored).
        return False

    def can_archive(self, request, listing):
        return listing.status != Listing.Status.ARCHIVED and self.has_change_permission(
            request, listing
        )

    def can_restore(self, request, listing):
        return (
            listing.status == Listing.Status.ARCHIVED
            and is_forum_staff(request.user)
            and self.has_change_permission(request, listing)
        )

    def has_view_history_or_change_history_permission(self, request, obj=None):
        # The change history names other people and staff decisions: staff only.
        return is_forum_staff(request.user)

    def lookup_allowed(self, lookup, value, request=None):
        # A filter on the web address typed into the page's address would tell an
        # editor their own listing's, and so whether another organisation's draft
        # holds the one made from its name (tests/directory/test_editor_slugs.py).
        if lookup.split("__")[0] == "slug" and not (request and is_forum_staff(request.user)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        if is_forum_staff(request.user):
            return [*self.search_fields, "organisation__name"]
        return self.search_fields

    def get_list_filter(self, request):
        if is_forum_staff(request.user):
            return [
                StatusFilter,
                FreshnessFilter,
                NeedsReviewFilter,
                ContactFilter,
                AreaFilter,
                AudienceFilter,
                OrganisationKindFilter,
                ("organisation", OrganisationFilter),
            ]
        return [StatusFilter, FreshnessFilter]

    def get_actions(self, request):
        if not is_forum_staff(request.user):
            return {}
        return super().get_actions(request)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["uuid", "created", "updated", "last_checked", "needs_review", "shared_routes"]
        if is_forum_staff(request.user):
            if obj is not None and obj.status == Listing.Status.ARCHIVED:
                # Back only through "Restore", which records it and makes it a draft.
                return [*readonly, "status"]
            return readonly
        return [
            *readonly,
            "status",
            "accreditation",
            "accreditation_date",
            *EDITOR_FIELDS.values(),
        ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_forum_staff(request.user):
            return fieldsets
        # Editors see no web address, no bookkeeping, and read-only text for what
        # staff decide (status, sources) and, once saved, the organisation.
        hidden = {"slug", "uuid", "needs_review"}
        swapped = {**EDITOR_FIELDS}
        if obj is None:
            del swapped["organisation"]
        return [
            (
                title,
                {
                    **options,
                    "fields": [swapped.get(f, f) for f in options["fields"] if f not in hidden],
                },
            )
            for title, options in fieldsets
        ]

    def history_view(self, request, object_id, extra_context=None):
        # 404 rather than 403 for editors, so the answer never says which ids exist.
        if not is_forum_staff(request.user):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not is_forum_staff(request.user):
            raise Http404
        if request.method != "GET":
            # One way to revert: our view, which restores many-to-many fields too.
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        status = form.base_fields.get("status")
        if status is not None:
            # Archiving has its own button, which records who did it and why.
            status.choices = [
                (value, label)
                for value, label in status.choices
                if value != Listing.Status.ARCHIVED
            ]
        return form

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "is_forum_staff": is_forum_staff(request.user)}
        listing = self.get_object(request, object_id)
        if listing is not None:
            extra_context["can_archive"] = self.can_archive(request, listing)
            extra_context["can_restore"] = self.can_restore(request, listing)
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "is_forum_staff": is_forum_staff(request.user)}
        return super().changelist_view(request, extra_context)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        ids = editable_organisation_ids(request.user)
        if not is_forum_staff(request.user) and len(ids) == 1:
            initial.setdefault("organisation", next(iter(ids)))
        return initial

    def get_prepopulated_fields(self, request, obj=None):
        if not is_forum_staff(request.user):
            return {}
        return {"slug": ["name"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = rows_field_for(db_field.name)
        if field is not None:
            return field
        return form_words(db_field.name, super().formfield_for_dbfield(db_field, request, **kwargs))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not is_forum_staff(request.user):
            kwargs["queryset"] = Organisation.objects.filter(
                pk__in=editable_organisation_ids(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in TERM_FIELDS:
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not is_forum_staff(request.user):
            # Belt and braces beside the read-only fields: an editor's listing is
            # never published or accredited by them, and always goes to review.
            if not change:
                obj.status = Listing.Status.DRAFT
                obj.accreditation = Listing.Accreditation.NONE
                obj.accreditation_date = None
            if obj.organisation_id not in editable_organisation_ids(request.user):
                raise PermissionDenied
            obj.needs_review = True
            # Saving their own listing is a check of its details as well, and a source.
            obj.last_checked = timezone.localdate()
            services.listing_record_provider_edit(obj, day=obj.last_checked)
        super().save_model(request, obj, form, change)

    @admin.display(description="Last checked", ordering="last_checked")
    def freshness(self, obj):
        # One column for both, so the list stays narrow: the verdict, then the date.
        if obj.needs_checking:
            verdict = format_html('<strong class="app-admin-stale">{}</strong>', "Needs checking")
        else:
            verdict = "Checked"
        return format_html("{}<br>{}", verdict, f"{obj.last_checked:%-d %b %Y}")

    @admin.display(description="To review", boolean=True, ordering="needs_review")
    def to_review(self, obj):
        return obj.needs_review

    @admin.display(description="Revert")
    def revert_link(self, record):
        url = reverse("admin:directory_listing_revert", args=[record.id, record.history_id])
        return format_html('<a href="{}">Revert to this version…</a>', url)

    # --- Staff actions -------------------------------------------------------------

    def _set_status(self, request, queryset, status, verb):
        # An archived listing comes back only through "Restore", as a draft.
        archived = list(queryset.filter(status=Listing.Status.ARCHIVED).order_by("name"))
        result = services.listings_set_status(
            listings=queryset.exclude(status=Listing.Status.ARCHIVED),
            status=status,
            by=request.user,
        )
        changed = result.changed
        self.message_user(request, f"{verb} {changed} {plural(changed)}.")
        for listing, why in result.refused:
            self.message_user(request, f"“{listing}” was not published. {why}", messages.WARNING)
        if archived:
            names = ", ".join(f"“{listing}”" for listing in archived)
            self.message_user(
                request,
                f"Left alone, because archived: {names}. Restore an archived listing first; "
                "it comes back as a draft.",
                messages.WARNING,
            )

    @admin.action(description="Publish selected listings")
    def publish(self, request, queryset):
        self._set_status(request, queryset, Listing.Status.PUBLISHED, "Published")

    @admin.action(description="Unpublish selected listings (back to draft)")
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Listing.Status.DRAFT, "Unpublished")

    @admin.action(description="Archive selected listings (off the site, kept)")
    def archive(self, request, queryset):
        archived = services.listings_archive(listings=queryset, by=request.user)
        self.message_user(
            request,
            f"Archived {archived} {plural(archived)}. Archived listings are off the public site "
            "and kept with their history; choose “Archived” under “By status” to find them.",
        )

    @admin.action(description="Restore selected archived listings (as drafts)")
    def restore(self, request, queryset):
        restored = services.listings_restore(listings=queryset, by=request.user)
        self.message_user(
            request,
            f"Restored {restored} {plural(restored)} as drafts: check them, then publish them.",
        )

    @admin.action(description="Mark selected listings as reviewed")
    def mark_reviewed(self, request, queryset):
        listings = list(queryset.filter(needs_review=True))
        for listing in listings:
            services.listing_mark_reviewed(listing=listing, by=request.user)
        self.message_user(request, f"Marked {len(listings)} as reviewed.")

    # --- Extra pages -----------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("review/", wrap(self.review_queue_view), name="directory_listing_review"),
            path(
                "<int:object_id>/confirm-checked/",
                wrap(self.confirm_checked_view),
                name="directory_listing_confirm_checked",
            ),
            path(
                "<int:object_id>/mark-reviewed/",
                wrap(self.mark_reviewed_view),
                name="directory_listing_mark_reviewed",
            ),
            path(
                "<int:object_id>/archive/",
                wrap(self.archive_view),
                name="directory_listing_archive",
            ),
            path(
                "<int:object_id>/restore/",
                wrap(self.restore_view),
                name="directory_listing_restore",
            ),
            path(
                "<int:object_id>/history/<int:version_id>/revert/",
                wrap(self.revert_view),
                name="directory_listing_revert",
            ),
            *super().get_urls(),
        ]

    def _get_owned(self, request, object_id):
        listing = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, listing):
            raise PermissionDenied
        return listing

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def confirm_checked_view(self, request, object_id):
        listing = self._get_owned(request, object_id)
        if request.method == "POST":
            services.listing_confirm_checked(listing=listing, by=request.user)
            self.message_user(
                request,
                f"Thank you. “{listing}” now shows it was last checked today.",
                messages.SUCCESS,
            )
            return redirect("admin:directory_listing_change", listing.pk)
        return TemplateResponse(
            request,
            "admin/directory/listing/confirm_checked.html",
            self._context(request, listing=listing, title="Confirm these details are correct"),
        )

    def _confirm_page(self, request, listing, **extra):
        change_url = reverse("admin:directory_listing_change", args=[listing.pk])
        return TemplateResponse(
            request,
            "admin/directory/confirm_archive.html",
            self._context(
                request,
                object=listing,
                changelist_url=reverse("admin:directory_listing_changelist"),
                change_url=change_url,
                **extra,
            ),
        )

    def archive_view(self, request, object_id):
        listing = get_object_or_404(self.get_queryset(request), pk=object_id)
        if listing.status == Listing.Status.ARCHIVED:
            self.message_user(request, f"“{listing}” is archived already.", messages.INFO)
            return redirect("admin:directory_listing_change", listing.pk)
        if not self.can_archive(request, listing):
            raise PermissionDenied
        if request.method == "POST":
            note = request.POST.get("note", "")[:200]
            services.listings_archive(listings=[listing], by=request.user, note=note)
            self.log_change(request, listing, "Archived.")
            self.message_user(
                request,
                f"Archived “{listing}”. It is off the public site, and kept with its history "
                "and any problem reports.",
                messages.SUCCESS,
            )
            return redirect("admin:directory_listing_change", listing.pk)
        restore = (
            "Forum staff can restore it later"
            if is_forum_staff(request.user)
            else "Only forum staff can bring it back, so ask them if you change your mind"
        )
        return self._confirm_page(
            request,
            listing,
            title=f"Archive “{listing}”?",
            step="Archive",
            explanation=[
                "Archiving takes the listing off the public site: it no longer appears in "
                "searches, on area pages or in the open data, and its page is gone.",
                f"Nothing is deleted: the listing, its history and any problem reports are "
                f"kept. {restore}; it comes back as a draft, to be checked before it is "
                "published again.",
                "To change the listing's details instead, edit it rather than archiving it.",
            ],
            button="Archive this listing",
            with_note=True,
        )

    def restore_view(self, request, object_id):
        self._require_staff(request)
        listing = get_object_or_404(self.get_queryset(request), pk=object_id)
        if listing.status != Listing.Status.ARCHIVED:
            self.message_user(request, f"“{listing}” is not archived.", messages.INFO)
            return redirect("admin:directory_listing_change", listing.pk)
        if not self.can_restore(request, listing):
            raise PermissionDenied
        if request.method == "POST":
            services.listings_restore(listings=[listing], by=request.user)
            self.log_change(request, listing, "Restored as a draft.")
            self.message_user(
                request,
                f"Restored “{listing}” as a draft. Check its details, then publish it.",
                messages.SUCCESS,
            )
            return redirect("admin:directory_listing_change", listing.pk)
        return self._confirm_page(
            request,
            listing,
            title=f"Restore “{listing}”?",
            step="Restore",
            explanation=[
                "The listing comes back as a draft: it stays off the public site until you "
                "have checked its details and published it.",
            ],
            button="Restore as a draft",
        )

    def _require_staff(self, request):
        if not is_forum_staff(request.user):
            raise PermissionDenied

    def review_queue_view(self, request):
        self._require_staff(request)
        queue = []
        for listing in Listing.objects.needing_review().select_related("organisation"):
            baseline = services.review_baseline(listing)
            queue.append(
                {
                    "listing": listing,
                    "baseline": baseline,
                    "changes": services.listing_changes(listing, since=baseline),
                }
            )
        return TemplateResponse(
            request,
            "admin/directory/listing/review_queue.html",
            self._context(request, queue=queue, title="Listings to review"),
        )

    def mark_reviewed_view(self, request, object_id):
        self._require_staff(request)
        if request.method != "POST":
            return redirect("admin:directory_listing_review")
        listing = get_object_or_404(Listing, pk=object_id)
        services.listing_mark_reviewed(listing=listing, by=request.user)
        self.message_user(request, f"Marked “{listing}” as reviewed.", messages.SUCCESS)
        return redirect("admin:directory_listing_review")

    def revert_view(self, request, object_id, version_id):
        self._require_staff(request)
        listing = get_object_or_404(Listing, pk=object_id)
        record = get_object_or_404(listing.history.all(), history_id=version_id)
        if request.method == "POST":
            try:
                services.listing_revert(listing=listing, record=record, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return redirect(request.path)
            self.message_user(
                request,
                f"Reverted “{listing}” to the version of {record.history_date:%d %b %Y %H:%M}.",
                messages.SUCCESS,
            )
            return redirect("admin:directory_listing_change", listing.pk)
        latest = listing.history.order_by("-history_date", "-history_id").first()
        changes = (
            services.listing_changes(listing, since=record, ignore=["status"]) if latest else []
        )
        return TemplateResponse(
            request,
            "admin/directory/listing/revert.html",
            self._context(
                request,
                listing=listing,
                record=record,
                changes=changes,
                title=f"Revert “{listing}”",
            ),
        )
