"""An organisation's shared ways to get in touch, kept by its own provider editors.

The organisation's admin page is for forum staff only; this page of the listings
admin changes the shared ways to get in touch of one organisation and nothing
else about it, for its editors (and staff). Any other organisation is not found,
so the answer never says which exist.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from directory import services
from directory.models import Organisation
from directory.roles import can_edit_shared_routes, editable_organisation_ids, is_forum_staff

from . import rows
from .edit_conflicts import EditConflictForm

SHARED_ROUTES_HELP = (
    "Every listing of the organisation shows these, unless the listing gives its own of "
    "the same kind. To remove one, empty its row. There are two empty rows for new ones: "
    "save to get more."
)


class SharedRoutesForm(EditConflictForm):
    """The shared ways to get in touch, and nothing else, of one organisation; refused
    when someone else changed the organisation meanwhile (EditConflictForm)."""

    contact_routes = rows.routes_field(
        label="Shared ways to get in touch", help_text=SHARED_ROUTES_HELP
    )
    conflict_pronoun = "them"

    class Meta:
        model = Organisation
        fields = ["contact_routes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict_subject = f"the shared ways to get in touch of {self.instance}"


class SharedRoutesMixin:
    """The shared-ways-to-get-in-touch page, and links to it from the editor's listings."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "shared-contacts/<int:organisation_id>/",
                wrap(self.shared_routes_view),
                name="directory_listing_shared_routes",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        shared = []
        if not is_forum_staff(request.user):
            ids = editable_organisation_ids(request.user)
            shared = [
                (
                    organisation,
                    reverse("admin:directory_listing_shared_routes", args=[organisation.pk]),
                )
                for organisation in Organisation.objects.filter(pk__in=ids).order_by("name")
            ]
        extra_context = {**(extra_context or {}), "shared_routes_links": shared}
        return super().changelist_view(request, extra_context)

    def shared_routes_view(self, request, organisation_id):
        """Change the shared ways to get in touch of one organisation, and nothing else."""
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None or not can_edit_shared_routes(request.user, organisation):
            raise Http404
        listings = self.get_queryset(request).filter(organisation=organisation)
        back = listings.filter(pk=request.GET.get("listing") or None).first()
        back_url = (
            reverse("admin:directory_listing_change", args=[back.pk])
            if back
            else reverse("admin:directory_listing_changelist")
        )
        form = SharedRoutesForm(
            request.POST if request.method == "POST" else None, instance=organisation
        )
        form.editing_user = request.user
        if form.is_bound and _save(form, organisation, by=request.user):
            self.message_user(
                request,
                f"Saved. Every listing of {organisation} now shows the new shared ways "
                "to get in touch, unless it gives its own of the same kind.",
                messages.SUCCESS,
            )
            return redirect(back_url)
        return TemplateResponse(
            request,
            "admin/directory/listing/shared_routes.html",
            self._context(
                request,
                organisation=organisation,
                form=form,
                listings=listings.order_by("name"),
                back_url=back_url,
                title=f"Shared ways to get in touch for {organisation}",
            ),
        )


def _save(form, organisation, *, by):
    """Check and save ``form`` in one transaction, so that its lock on the organisation
    holds until the save (EditConflictForm). Return whether it was saved."""
    with transaction.atomic():
        if not form.is_valid():
            return False
        try:
            services.organisation_set_routes(
                organisation=organisation,
                contact_routes=form.cleaned_data["contact_routes"],
                by=by,
            )
        except ValidationError as error:
            form.add_error("contact_routes", error)
            return False
    return True
