"""Admin for the directory's reference data: organisations, areas, vocabularies.

Forum staff only: provider editors hold no permission on these models, so the
admin hides them and answers 403.
"""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from directory.models import Area, Organisation, Term


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["parent"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "updated"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["editors"]
    readonly_fields = ["uuid", "created", "updated"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "vocabulary", "position"]
    list_filter = ["vocabulary"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
