"""The directory's admin, one module per concern."""

from django.contrib import admin

from . import listings, logentries, organisations, synonyms
from . import reports as reports

__all__ = ["logentries", "listings", "organisations", "synonyms"]

admin.site.site_header = "East Midlands Restorative Justice Directory"
admin.site.site_title = "Directory admin"
admin.site.index_title = "Keep the directory up to date"
