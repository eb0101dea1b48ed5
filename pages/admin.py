from django import forms
from django.contrib import admin
from django.db import models

from directory.roles import ForumStaffOnlyAdminMixin

from .models import OnwardRoute, Page


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "position", "show_in_footer", "published", "updated"]
    list_editable = ["position"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}


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
