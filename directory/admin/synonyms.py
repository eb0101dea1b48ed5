"""Search synonyms: forum staff decide which words a search treats as the same.

Forum staff only. Provider editors hold no permission on synonyms, and every hook
here asks for forum staff as well, so even a wrongly granted permission shows
them nothing.
"""

from django.contrib import admin

from directory.models import SearchSynonym
from directory.roles import ForumStaffOnlyAdminMixin


@admin.register(SearchSynonym)
class SearchSynonymAdmin(ForumStaffOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["phrases"]
    search_fields = ["phrases"]
