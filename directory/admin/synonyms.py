"""Search synonyms: forum staff decide which words a search treats as the same.

Forum staff only. Provider editors hold no permission on synonyms, and every hook
here asks for forum staff as well, so even a wrongly granted permission shows
them nothing.
"""

from django.contrib import admin

from directory.models import SearchSynonym
from directory.roles import is_forum_staff


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ["phrases"]
    search_fields = ["phrases"]

    def has_module_permission(self, request):
        return is_forum_staff(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_forum_staff(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return is_forum_staff(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_forum_staff(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_forum_staff(request.user) and super().has_delete_permission(request, obj)
