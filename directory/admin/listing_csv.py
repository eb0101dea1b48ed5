"""CSV export and import of listings in the admin, for forum staff only.

The import has three steps: upload, a preview of what would be created and changed,
and confirm. The preview carries the file back to the confirm step signed (so only a
file this site checked can be confirmed) and compressed, with a digest of the
previewed changes: if the listings changed in between, staff see the new preview
instead of an import they did not check.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from directory import bulk, contacts, provenance, services, vocabularies
from directory.models import Listing, Term
from directory.roles import can_export_listings, can_import_listings

CONFIRM_MAX_AGE = 60 * 60  # seconds a preview stays confirmable


def confirm_fits(payload):
    """Whether the confirm step's form can carry ``payload``: Django takes form data up
    to DATA_UPLOAD_MAX_MEMORY_SIZE (leave room for the CSRF token)."""
    most = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return most is None or len(payload) <= most - 4096


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "A CSV file in the format of the export, saved as UTF-8, "
            f"at most {bulk.MAX_UPLOAD_BYTES // 1024 // 1024} MB."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > bulk.MAX_UPLOAD_BYTES:
            # Refuse before reading it into memory.
            raise forms.ValidationError(
                f"The file is too big ({upload.size / 1024 / 1024:.1f} MB): "
                f"the most is {bulk.MAX_UPLOAD_BYTES // 1024 // 1024} MB."
            )
        try:
            return bulk.decode(upload.read())
        except bulk.FileProblem as problem:
            raise forms.ValidationError(str(problem)) from None


class PreviewOutdated(Exception):
    """The import would no longer do what the preview showed."""


class ListingCSVMixin:
    """Add CSV export and import to the listings admin."""

    csv_import_template = "admin/directory/listing/import_csv.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("export.csv", wrap(self.export_csv_view), name="directory_listing_export_csv"),
            path("import/", wrap(self.import_csv_view), name="directory_listing_import_csv"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export_csv": can_export_listings(request.user),
            "can_import_csv": can_import_listings(request.user),
        }
        return super().changelist_view(request, extra_context)

    # --- Export ------------------------------------------------------------------------

    @staticmethod
    def _export_filename(what):
        return f"emrj-listings-{what}-{timezone.localdate():%Y-%m-%d}.csv"

    def export_csv_view(self, request):
        if not can_export_listings(request.user):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD"):
            return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        return bulk.csv_response(Listing.objects.all(), self._export_filename("all"))

    @admin.action(description="Export selected listings as CSV")
    def export_csv(self, request, queryset):
        if not can_export_listings(request.user):
            raise PermissionDenied
        return bulk.csv_response(queryset, self._export_filename("selected"))

    # --- Import ------------------------------------------------------------------------

    def import_csv_view(self, request):
        if not can_import_listings(request.user):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
        if request.method != "POST":
            return self._import_page(request, form=UploadForm())
        if "payload" in request.POST:
            return self._confirm(request)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._import_page(request, form=form, status=400)
        return self._preview(request, form.cleaned_data["file"], request.FILES["file"].name)

    def _preview(self, request, text, filename, *, notice=""):
        context = {"filename": filename, "notice": notice}
        try:
            plan = bulk.read_and_plan(text)
        except bulk.FileProblem as problem:
            return self._import_page(
                request, form=UploadForm(), problem=str(problem), status=400, **context
            )
        if plan.errors:
            return self._import_page(request, form=UploadForm(), plan=plan, status=400, **context)
        if plan.has_changes:
            payload = signing.dumps(
                {"csv": text, "filename": filename, "fingerprint": plan.fingerprint()},
                salt=self._salt(request),
                compress=True,
            )
            if not confirm_fits(payload):
                # Django would refuse the confirm step's form as too big.
                problem = (
                    "This file is too big to import in one go. Split its rows into two or "
                    "more files and import them one at a time."
                )
                return self._import_page(
                    request, form=UploadForm(), problem=problem, status=400, **context
                )
            context["payload"] = payload
        context["title"] = f"Check the import of “{filename}”"
        return self._import_page(request, plan=plan, **context)

    def _confirm(self, request):
        try:
            data = signing.loads(
                request.POST["payload"], salt=self._salt(request), max_age=CONFIRM_MAX_AGE
            )
        except signing.BadSignature:
            problem = "This preview has expired or is not valid. Upload the file again."
            return self._import_page(request, form=UploadForm(), problem=problem, status=400)
        text, filename = data["csv"], data["filename"]
        try:
            created, updated = self._import_as_previewed(request, text, data["fingerprint"])
        except (PreviewOutdated, services.ImportOutdated, bulk.FileProblem):
            notice = (
                "The listings changed after your preview, so nothing was imported. "
                "Check this new preview before you confirm again."
            )
            return self._preview(request, text, filename, notice=notice)
        self.message_user(
            request,
            f"Imported “{filename}”: added {created} and changed {updated} "
            f"listing{'' if updated == 1 else 's'}.",
            messages.SUCCESS,
        )
        return redirect("admin:directory_listing_changelist")

    @staticmethod
    def _import_as_previewed(request, text, fingerprint):
        """Import ``text`` if it still makes exactly the previewed changes."""
        with transaction.atomic():
            plan = bulk.read_and_plan(text, lock=True)
            if plan.errors or plan.fingerprint() != fingerprint:
                raise PreviewOutdated
            return services.listings_import(plan=plan, by=request.user)

    @staticmethod
    def _salt(request):
        return f"directory.listing-import.{request.user.pk}"

    def _import_page(self, request, *, status=200, title="Import listings from CSV", **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "columns": bulk.COLUMNS,
            "separator": bulk.SEPARATOR,
            **self._format_help(),
            **context,
        }
        return TemplateResponse(request, self.csv_import_template, context, status=status)

    @staticmethod
    def _format_help():
        """What the format section of the page lists: the words each column accepts."""
        terms = {}
        for term in Term.objects.all():
            terms.setdefault(term.vocabulary, []).append(term)
        return {
            "term_fields": [
                (spec, terms.get(spec.vocabulary, [])) for spec in vocabularies.TERM_FIELDS
            ],
            "choices": {
                name: [c for c in Listing._meta.get_field(name).choices if c[0]]
                for name in ("status", "interpreters", "cost", "accreditation")
            },
            "route_kinds": contacts.KINDS,
            "route_for": contacts.FOR,
            "max_routes": contacts.MAX_ROUTES,
            "source_kinds": provenance.KINDS,
            "max_sources": provenance.MAX_SOURCES,
        }
