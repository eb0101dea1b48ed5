from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from directory.roles import ForumStaffOnlyAdminMixin

from .history import page_changes, page_revert, revert_problem
from .models import OnwardRoute, Page
from .protection import is_in_menu, slug_change_problem, unpublish_problem


class PageAdminForm(forms.ModelForm):
    """Keeps the pages the site links to published, at the address it links to."""

    class Meta:
        model = Page
        fields = ["title", "slug", "summary", "body", "position", "show_in_footer", "published"]

    def clean(self):
        data = super().clean()
        stored = self.instance
        if stored.pk is None:
            return data
        stored = Page.objects.get(pk=stored.pk)
        if "slug" in data and (problem := slug_change_problem(stored, data["slug"])):
            self.add_error("slug", problem)
        published = data.get("published", stored.published)
        footer = data.get("show_in_footer", stored.show_in_footer)
        if problem := unpublish_problem(stored, published=published, show_in_footer=footer):
            self.add_error("published", problem)
        return data


@admin.register(Page)
class PageAdmin(ForumStaffOnlyAdminMixin, SimpleHistoryAdmin):
    """Forum staff write the information pages. Every save is kept in the page's
    history and can be reverted; no page is deleted (unpublish it instead, which
    can be undone), and the pages the menu and footer link to are kept on the site."""

    list_display = ["title", "slug", "position", "show_in_footer", "published", "updated"]
    list_editable = ["position"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    form = PageAdminForm
    history_list_display = ["revert_link"]

    def has_delete_permission(self, request, obj=None):
        # Nobody, superusers included: deleting loses the page's history and breaks
        # links people saved. Untick "Published" instead.
        return False

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and is_in_menu(obj):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and is_in_menu(obj):
            # The menu links to this address; a changed one would be a broken link.
            return ["slug"]
        return []

    @admin.display(description="Revert")
    def revert_link(self, record):
        url = reverse("admin:pages_page_revert", args=[record.id, record.history_id])
        return format_html('<a href="{}">Revert to this version…</a>', url)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            # One way to revert: our view, which keeps the published state and the links.
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/history/<int:version_id>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name="pages_page_revert",
            ),
            *super().get_urls(),
        ]

    def revert_view(self, request, object_id, version_id):
        page = get_object_or_404(Page, pk=object_id)
        if not self.has_change_permission(request, page):
            raise PermissionDenied
        record = get_object_or_404(page.history.all(), history_id=version_id)
        if request.method == "POST":
            try:
                page_revert(page=page, record=record, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return redirect(request.path)
            self.message_user(
                request,
                f"Reverted “{page}” to the version of {record.history_date:%d %b %Y %H:%M}.",
                messages.SUCCESS,
            )
            return redirect("admin:pages_page_change", page.pk)
        return TemplateResponse(
            request,
            "admin/pages/page/revert.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Revert “{page}”",
                "page": page,
                "record": record,
                "changes": page_changes(page, since=record),
                "problem": revert_problem(page, record),
            },
        )


@admin.register(OnwardRoute)
class OnwardRouteAdmin(ForumStaffOnlyAdminMixin, admin.ModelAdmin):
    """The national organisations offered when no local service fits: forum staff only."""

    list_display = ["name", "url", "position", "is_shown"]
    list_editable = ["position", "is_shown"]
    fields = ["name", "url", "description", "who_for", "position", "is_shown"]
    search_fields = ["name", "description"]
    # A web address typed without a scheme is taken as https, as for listings.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "description":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 60})
        return super().formfield_for_dbfield(db_field, request, **kwargs)
