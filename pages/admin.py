from django import forms
from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from directory.admin.history import PlainHistoryAdminMixin
from directory.roles import ForumStaffOnlyAdminMixin

from .models import OnwardRoute, Page
from .protection import is_in_menu, slug_change_problem, unpublish_problem
from .revert_admin import RevertAdminMixin


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
class PageAdmin(
    ForumStaffOnlyAdminMixin, PlainHistoryAdminMixin, RevertAdminMixin, SimpleHistoryAdmin
):
    """Forum staff write the information pages. Every save is kept in the page's
    history and can be reverted; no page is deleted (unpublish it instead, which
    can be undone), and the pages the menu and footer link to are kept on the site."""

    list_display = ["title", "slug", "position", "show_in_footer", "published", "updated"]
    list_editable = ["position"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    form = PageAdminForm

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
