"""Admin for the directory's reference data: organisations, areas, vocabularies.

Forum staff only: provider editors hold no permission on these models, so the
admin hides them and answers 403. (Editors change their organisation's shared
ways to get in touch, and nothing else of it, on a page of the listings admin.)
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from directory import services
from directory.invitations import invite_editor, keeps_access_without, remove_editor
from directory.models import Area, Organisation, Term
from directory.roles import is_forum_staff

from . import rows


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["parent"]


class InviteEditorForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The person's work email address. They will be sent a link to choose "
        "their own password.",
    )


class OrganisationAdminForm(forms.ModelForm):
    def clean_contact_routes(self):
        value = self.cleaned_data["contact_routes"]
        problem = services.organisation_routes_problem(
            organisation=self.instance, contact_routes=value
        )
        if problem:
            raise ValidationError(problem)
        return value


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "updated"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    # Editors are not a form field: adding someone must send their invitation,
    # and removing them must switch off an account that edits nothing else, so
    # both go through directory.invitations from the links in this panel.
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "description", "website"]}),
        ("Shared ways to get in touch", {"fields": ["contact_routes"]}),
        ("Editors", {"fields": ["editors_panel"]}),
        ("Record", {"fields": ["uuid", "created", "updated"]}),
    ]
    readonly_fields = ["editors_panel", "uuid", "created", "updated"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    form = OrganisationAdminForm
    change_form_template = "admin/directory/organisation/change_form.html"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "contact_routes":
            return rows.routes_field(
                label="Shared ways to get in touch", help_text=db_field.help_text
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def revert_disabled(self, request, obj=None):
        # Organisations have no tracked many-to-many fields, so the history
        # library's own revert restores them whole (listings use our own view).
        return not self.has_change_permission(request, obj)

    @admin.display(description="People who keep this organisation's listings up to date")
    def editors_panel(self, obj):
        if obj is None or obj.pk is None:
            return "Save the organisation first, then invite its editors."
        items = format_html_join(
            "",
            '<li>{} <a href="{}">Remove…</a></li>',
            (
                (self._describe_editor(editor), self._url("remove_editor", obj.pk, editor.pk))
                for editor in obj.editors.order_by("first_name", "last_name", "email")
            ),
        )
        invite = format_html(
            '<a href="{}">Invite an editor</a>', self._url("invite_editor", obj.pk)
        )
        if not items:
            return format_html("<p>No editors yet.</p><p>{}</p>", invite)
        return format_html("<ul>{}</ul><p>{}</p>", items, invite)

    @staticmethod
    def _describe_editor(user):
        name = user.get_full_name().strip()
        who = f"{name} ({user.email})" if name and user.email else name or user.email
        who = who or user.get_username()
        if not user.is_active:
            state = "account switched off"
        elif user.last_login is None:
            state = "has not signed in yet"
        else:
            state = f"last signed in {user.last_login:%d %b %Y}"
        return f"{who} — {state}."

    # --- Inviting and removing editors ----------------------------------------

    @staticmethod
    def _url(view, *args):
        return reverse(f"admin:directory_organisation_{view}", args=args)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/invite-editor/",
                wrap(self.invite_editor_view),
                name="directory_organisation_invite_editor",
            ),
            path(
                "<int:object_id>/editors/<int:user_id>/remove/",
                wrap(self.remove_editor_view),
                name="directory_organisation_remove_editor",
            ),
            *super().get_urls(),
        ]

    def _get_for_staff(self, request, object_id):
        """Return the organisation, for forum staff who may change it; 403 for anyone else."""
        if not (is_forum_staff(request.user) and self.has_change_permission(request)):
            raise PermissionDenied
        return get_object_or_404(Organisation, pk=object_id)

    def _context(self, request, organisation, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "organisation": organisation,
            **extra,
        }

    def invite_editor_view(self, request, object_id):
        organisation = self._get_for_staff(request, object_id)
        form = InviteEditorForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = invite_editor(
                    organisation=organisation,
                    email=form.cleaned_data["email"],
                    invited_by=request.user,
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                self.log_change(request, organisation, f"Invited {user.email} as an editor.")
                self.message_user(
                    request,
                    f"Invited {user.email} to {organisation}. They have been sent an email with "
                    "a link to choose their password; the link works once and expires in "
                    "7 days.",
                    messages.SUCCESS,
                )
                return redirect("admin:directory_organisation_change", organisation.pk)
        return TemplateResponse(
            request,
            "admin/directory/organisation/invite_editor.html",
            self._context(request, organisation, form=form, title="Invite an editor"),
        )

    def remove_editor_view(self, request, object_id, user_id):
        organisation = self._get_for_staff(request, object_id)
        editor = get_object_or_404(organisation.editors, pk=user_id)
        if request.method == "POST":
            switched_off = remove_editor(organisation=organisation, user=editor)
            who = editor.email or editor.get_username()
            self.log_change(request, organisation, f"Removed {who} as an editor.")
            message = f"{who} is no longer an editor of {organisation}."
            if switched_off:
                message += " They edit no other organisation, so they can no longer sign in."
            self.message_user(request, message, messages.SUCCESS)
            return redirect("admin:directory_organisation_change", organisation.pk)
        return TemplateResponse(
            request,
            "admin/directory/organisation/remove_editor.html",
            self._context(
                request,
                organisation,
                editor=editor,
                switches_off=editor.is_active and not keeps_access_without(editor, organisation),
                title="Remove an editor",
            ),
        )


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "vocabulary", "position"]
    list_filter = ["vocabulary"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
