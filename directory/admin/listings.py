"""The listings admin: provider editors keep their own listings (and their
organisation's shared ways to get in touch) current; forum staff publish,
review, and revert.

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

from .listing_csv import ListingCSVMixin
from .listing_form import (
    EDITOR_FIELDS,
    ListingAdminForm,
    ListingReadOnlyFieldsMixin,
    form_words,
    rows_field_for,
)
from .shared_routes import SharedRoutesMixin

TERM_FIELDS = set(vocabularies.FIELD_NAMES)


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
    ListingCSVMixin, SharedRoutesMixin, ListingReadOnlyFieldsMixin, SimpleHistoryAdmin
):
    list_display = [
        "name",
        "organisation",
        "status",
        "freshness",
        "needs_review",
        "last_checked",
        "updated",
    ]
    search_fields = ["name", "summary"]
    list_select_related = ["organisation"]
    filter_horizontal = ["areas"]
    change_form_template = "admin/directory/listing/change_form.html"
    change_list_template = "admin/directory/listing/change_list.html"
    history_list_display = ["revert_link"]
    form = ListingAdminForm
    # A web address typed without a scheme is taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["publish", "unpublish", "archive", "mark_reviewed", "export_csv"]
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
        return super().has_change_permission(request, obj) and self._owns(request, obj)

    def has_add_permission(self, request):
        if not super().has_add_permission(request):
            return False
        return is_forum_staff(request.user) or bool(editable_organisation_ids(request.user))

    def has_delete_permission(self, request, obj=None):
        return is_forum_staff(request.user) and super().has_delete_permission(request, obj)

    def has_view_history_or_change_history_permission(self, request, obj=None):
        # The change history names other people and staff decisions: staff only.
        return is_forum_staff(request.user)

    def get_search_fields(self, request):
        if is_forum_staff(request.user):
            return [*self.search_fields, "organisation__name"]
        return self.search_fields

    def get_list_filter(self, request):
        if is_forum_staff(request.user):
            return ["status", FreshnessFilter, "needs_review", "organisation__kind", "organisation"]
        return ["status", FreshnessFilter]

    def get_actions(self, request):
        if not is_forum_staff(request.user):
            return {}
        return super().get_actions(request)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["uuid", "created", "updated", "last_checked", "needs_review", "shared_routes"]
        if is_forum_staff(request.user):
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "is_forum_staff": is_forum_staff(request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

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

    @admin.display(boolean=False, description="Freshness", ordering="last_checked")
    def freshness(self, obj):
        if obj.needs_checking:
            return format_html('<strong class="app-admin-stale">{}</strong>', "Needs checking")
        return "Checked"

    @admin.display(description="Revert")
    def revert_link(self, record):
        url = reverse("admin:directory_listing_revert", args=[record.id, record.history_id])
        return format_html('<a href="{}">Revert to this version…</a>', url)

    # --- Staff actions -------------------------------------------------------------

    def _set_status(self, request, queryset, status, verb):
        result = services.listings_set_status(listings=queryset, status=status, by=request.user)
        changed = result.changed
        self.message_user(request, f"{verb} {changed} listing{'s' if changed != 1 else ''}.")
        for listing, why in result.refused:
            self.message_user(request, f"“{listing}” was not published. {why}", messages.WARNING)

    @admin.action(description="Publish selected listings")
    def publish(self, request, queryset):
        self._set_status(request, queryset, Listing.Status.PUBLISHED, "Published")

    @admin.action(description="Unpublish selected listings (back to draft)")
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Listing.Status.DRAFT, "Unpublished")

    @admin.action(description="Archive selected listings (hidden, kept)")
    def archive(self, request, queryset):
        self._set_status(request, queryset, Listing.Status.ARCHIVED, "Archived")

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
