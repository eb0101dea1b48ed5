"""Admin for the directory's reference data: organisations, areas, vocabularies.

Forum staff only: provider editors hold no permission on these models, so the
admin hides them and answers 403. (Editors change their organisation's shared
ways to get in touch, and nothing else of it, on a page of the listings admin.)

Organisations are archived, never deleted. An area or a term that listings use
cannot be deleted either (directory/protection.py): these pages say why instead.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as delete_selected_action
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from simple_history.admin import SimpleHistoryAdmin

from directory import services
from directory.invitations import invite_editor, keeps_access_without, remove_editor
from directory.models import Area, Listing, Organisation, Term
from directory.protection import in_use_problem
from directory.roles import is_forum_staff

from . import rows
from .edit_conflicts import EditConflictAdminMixin, EditConflictForm
from .history import PlainHistoryAdminMixin


class ProtectUsedMixin:
    """Refuse, with a plain message, to delete what listings use: on the delete page
    and in the "delete selected" action. Unused ones delete as usual."""

    # Named like the site-wide action, so this one takes its place.
    actions = ["delete_selected"]

    def _refuse(self, request, problem):
        self.message_user(request, f"Not deleted. {problem}", messages.ERROR)

    def _change_url(self, obj):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_delete_permission(request, obj):
            problem = in_use_problem(obj)
            if problem:
                self._refuse(request, problem)
                return redirect(self._change_url(obj))
        try:
            return super().delete_view(request, object_id, extra_context)
        except ProtectedError as error:
            # Put to use between the check and the delete.
            self._refuse(request, error.args[0])
            return redirect(self._change_url(obj))

    @admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
    def delete_selected(self, request, queryset):
        problems = [problem for obj in queryset if (problem := in_use_problem(obj))]
        for problem in problems:
            self._refuse(request, problem)
        if problems:
            return None
        try:
            with transaction.atomic():
                return delete_selected_action(self, request, queryset)
        except ProtectedError as error:
            self._refuse(request, error.args[0])
            return None


@admin.register(Area)
class AreaAdmin(ProtectUsedMixin, admin.ModelAdmin):
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


class OrganisationAdminForm(EditConflictForm):
    """The organisation form: never strands a published listing, and never saves over
    someone else's change (EditConflictForm)."""

    def clean_contact_routes(self):
        value = self.cleaned_data["contact_routes"]
        problem = services.organisation_routes_problem(
            organisation=self.instance, contact_routes=value
        )
        if problem:
            raise ValidationError(problem)
        return value


class ArchivedFilter(admin.SimpleListFilter):
    """Current organisations unless archived ones are asked for."""

    title = "archived"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("yes", "Archived"), ("all", "All, archived ones too")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        if self.value() == "all":
            return queryset
        return queryset.filter(archived_at__isnull=True)

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        choices[0]["display"] = "Not archived"
        return choices


@admin.register(Organisation)
class OrganisationAdmin(EditConflictAdminMixin, PlainHistoryAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "archived", "updated"]
    list_filter = [ArchivedFilter, "kind"]
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

    def has_delete_permission(self, request, obj=None):
        # Nobody, superusers included: archive the organisation instead.
        return False

    @admin.display(description="Archived", boolean=True, ordering="archived_at")
    def archived(self, obj):
        return obj.archived_at is not None

    def save_model(self, request, obj, form, change):
        if change:
            # Archived or not is changed only by "Archive" and "Restore", which record
            # it; never by a form, nor by reverting to an old version.
            obj.archived_at = (
                Organisation.objects.filter(pk=obj.pk).values_list("archived_at", flat=True).first()
            )
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_archive_or_restore": self._may_archive(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

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
                "<int:object_id>/archive/",
                wrap(self.archive_view),
                name="directory_organisation_archive",
            ),
            path(
                "<int:object_id>/restore/",
                wrap(self.restore_view),
                name="directory_organisation_restore",
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
                if user.invitation_email.failed:
                    self.message_user(
                        request,
                        f"Invited {user.email} to {organisation}. The email with the link to "
                        "choose their password could not be sent just now. Saved; the email "
                        "will be sent again automatically.",
                        messages.WARNING,
                    )
                else:
                    self.message_user(
                        request,
                        f"Invited {user.email} to {organisation}. They have been sent an email "
                        "with a link to choose their password; the link works once and expires "
                        "in 7 days.",
                        messages.SUCCESS,
                    )
                return redirect("admin:directory_organisation_change", organisation.pk)
        return TemplateResponse(
            request,
            "admin/directory/organisation/invite_editor.html",
            self._context(request, organisation, form=form, title="Invite an editor"),
        )

    # --- Archiving and restoring ---------------------------------------------------

    def _may_archive(self, request):
        return is_forum_staff(request.user) and self.has_change_permission(request)

    def _confirm_page(self, request, organisation, **extra):
        return TemplateResponse(
            request,
            "admin/directory/confirm_archive.html",
            self._context(
                request,
                organisation,
                object=organisation,
                changelist_url=reverse("admin:directory_organisation_changelist"),
                change_url=self._url("change", organisation.pk),
                **extra,
            ),
        )

    def archive_view(self, request, object_id):
        organisation = self._get_for_staff(request, object_id)
        if organisation.archived_at is not None:
            self.message_user(request, f"{organisation} is archived already.", messages.INFO)
            return redirect("admin:directory_organisation_change", organisation.pk)
        if request.method == "POST":
            note = request.POST.get("note", "")[:200]
            services.organisation_archive(organisation=organisation, by=request.user, note=note)
            self.log_change(request, organisation, "Archived.")
            self.message_user(
                request,
                f"Archived {organisation}. It and its listings are off the public site, and "
                "kept with their history.",
                messages.SUCCESS,
            )
            return redirect("admin:directory_organisation_change", organisation.pk)
        listings = organisation.listings.published().count()
        shown = f"{listings} published listing{'s' if listings != 1 else ''}"
        return self._confirm_page(
            request,
            organisation,
            title=f"Archive {organisation}?",
            step="Archive",
            explanation=[
                f"Archiving takes {organisation} and all its listings off the public site "
                f"(it has {shown} now): they no longer appear in searches, on area pages, "
                "in the open data or the sitemap.",
                "Nothing is deleted, and each listing keeps its own status. Restoring the "
                "organisation puts back exactly the listings that were published.",
            ],
            button="Archive this organisation",
            with_note=True,
        )

    def restore_view(self, request, object_id):
        organisation = self._get_for_staff(request, object_id)
        if organisation.archived_at is None:
            self.message_user(request, f"{organisation} is not archived.", messages.INFO)
            return redirect("admin:directory_organisation_change", organisation.pk)
        if request.method == "POST":
            try:
                services.organisation_restore(organisation=organisation, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return redirect(request.path)
            self.log_change(request, organisation, "Restored.")
            self.message_user(
                request,
                f"Restored {organisation}. Its published listings are on the public site again.",
                messages.SUCCESS,
            )
            return redirect("admin:directory_organisation_change", organisation.pk)
        listings = organisation.listings.filter(status=Listing.Status.PUBLISHED).count()
        return self._confirm_page(
            request,
            organisation,
            title=f"Restore {organisation}?",
            step="Restore",
            explanation=[
                f"Archived on {localtime(organisation.archived_at):%d %B %Y}. Restoring puts "
                f"{organisation} and its {listings} published listing"
                f"{'s' if listings != 1 else ''} back on the public site.",
            ],
            button="Restore this organisation",
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
class TermAdmin(ProtectUsedMixin, admin.ModelAdmin):
    list_display = ["name", "vocabulary", "position"]
    list_filter = ["vocabulary"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
