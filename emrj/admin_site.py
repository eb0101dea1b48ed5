"""The directory's admin site: Django's, with two holes closed for every model at once.

- A filter typed into a changelist's address that the database cannot use (an id
  beyond a 64-bit integer, the year 99999, a broken pattern) is Django's "invalid
  filter": the list starts again unfiltered, with a message, instead of a server error.
  Django only catches such values when it builds the query, and some fail only when
  the database (or the driver) sees them.
- "View on site" (``admin/r/<content type>/<id>/``) answers only the admin's own
  address for an object the user may see in the admin (directory/admin/view_on_site.py).

Installed as the default site by ``emrj.apps.AdminConfig``, so every ModelAdmin,
ours and those of the apps we use, is registered through ``register`` below.
"""

import functools
import logging
import re

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import DataError, connections, transaction
from django.http import HttpResponseRedirect
from django.urls import path

logger = logging.getLogger(__name__)

# What a lookup value the database cannot hold raises: DataError from PostgreSQL
# ("bigint out of range", "invalid regular expression"), OverflowError from SQLite's
# driver and from date arithmetic, ValueError from dates before year 1 or after 9999.
UNUSABLE_VALUE_ERRORS = (DataError, OverflowError, ValueError)

INVALID_FILTER_MESSAGE = (
    "The filter in the address could not be used, so the whole list is shown. "
    "Use the filters on this page instead."
)
INVALID_SELECTION_MESSAGE = (
    "Some of the selected items do not exist, so nothing was changed. Select them again."
)
INVALID_ROWS_MESSAGE = "Some of the rows you saved do not exist, so nothing was changed."
REGEX_LOOKUPS = ("__regex", "__iregex")


class SafeLookupsChangeList(ChangeList):
    """A changelist whose unusable filter values are reported as an invalid filter."""

    def __init__(self, request, *args, **kwargs):
        try:
            super().__init__(request, *args, **kwargs)
        except IncorrectLookupParameters:
            # Django redirects to the bare list with ?e=1 but says nothing: say why.
            messages.warning(request, INVALID_FILTER_MESSAGE)
            raise

    def get_queryset(self, request, exclude_parameters=None):
        if connections[self.root_queryset.db].vendor == "sqlite":
            self._refuse_broken_patterns()
        try:
            return super().get_queryset(request, exclude_parameters)
        except UNUSABLE_VALUE_ERRORS as error:  # e.g. the date drill-down past 9999
            raise self._invalid(error) from error

    def get_results(self, request):
        # In a savepoint: on PostgreSQL a failed statement spoils the rest of the
        # transaction it ran in, and the request's later queries need it.
        try:
            with transaction.atomic(using=self.queryset.db):
                super().get_results(request)
                # Fetch this page's rows now, where a failure is still an invalid
                # filter, rather than later while the page is drawn.
                len(self.result_list)
        except UNUSABLE_VALUE_ERRORS as error:
            raise self._invalid(error) from error

    def _refuse_broken_patterns(self):
        # SQLite matches patterns with Python's re, and a broken one fails as an
        # OperationalError, which looks like a database outage. (PostgreSQL's patterns
        # differ from Python's; a broken one there is a DataError, caught above.)
        for key, values in self.filter_params.items():
            if key.endswith(REGEX_LOOKUPS):
                for value in values:
                    try:
                        re.compile(value)
                    except re.error as error:
                        raise self._invalid(error) from error

    def _invalid(self, error):
        logger.info("Unusable changelist filter for %s: %s", self.opts.label, error)
        return IncorrectLookupParameters(error)


@functools.cache
def safe_changelist(changelist_class):
    """Return ``changelist_class`` with SafeLookupsChangeList's handling mixed in."""
    if issubclass(changelist_class, SafeLookupsChangeList):
        return changelist_class
    if changelist_class is ChangeList:
        return SafeLookupsChangeList
    return type(changelist_class.__name__, (SafeLookupsChangeList, changelist_class), {})


class SafeLookupsAdminMixin:
    """The ModelAdmin half: the safe changelist, and ids that cannot exist are missing."""

    def get_changelist(self, request, **kwargs):
        return safe_changelist(super().get_changelist(request, **kwargs))

    def get_object(self, request, object_id, from_field=None):
        try:
            return super().get_object(request, object_id, from_field)
        except OverflowError:  # SQLite cannot even compare with an id this large
            return None

    def changelist_view(self, request, extra_context=None):
        # Rows edited in the list name their objects' ids; one that cannot be an id
        # fails in Django's formset as a server error on SQLite.
        if request.method == "POST" and "_save" in request.POST:
            pk = self.model._meta.pk
            row_id = re.compile(rf"-\d+-{re.escape(pk.name)}$")
            ids = [value for key, value in request.POST.items() if row_id.search(key)]
            if not all(_could_be_a_key(pk, value) for value in ids):
                self.message_user(request, INVALID_ROWS_MESSAGE, messages.WARNING)
                return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    def response_action(self, request, queryset):
        # Django filters by the ticked ids as they came, so a tampered "abc" or an id
        # beyond the database's integers is a server error there, not a refusal.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(_could_be_a_key(self.model._meta.pk, value) for value in selected):
            self.message_user(request, INVALID_SELECTION_MESSAGE, messages.WARNING)
            return None
        return super().response_action(request, queryset)


def _could_be_a_key(field, raw):
    try:
        field.run_validators(field.to_python(raw))  # includes the database's integer range
    except (ValidationError, ValueError, OverflowError):
        return False
    return True


def with_safe_lookups(admin_class):
    """Return ``admin_class`` with SafeLookupsAdminMixin mixed in (once)."""
    if issubclass(admin_class, SafeLookupsAdminMixin):
        return admin_class
    return type(
        admin_class.__name__,
        (SafeLookupsAdminMixin, admin_class),
        {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
    )


class DirectoryAdminSite(admin.AdminSite):
    site_header = "East Midlands Restorative Justice Directory"
    site_title = "Directory admin"
    index_title = "Keep the directory up to date"

    def index(self, request, extra_context=None):
        from directory.roles import is_forum_staff

        # Forum staff see the reports (the coverage report) beside the lists.
        extra_context = {"is_forum_staff": is_forum_staff(request.user), **(extra_context or {})}
        return super().index(request, extra_context)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = with_safe_lookups(admin_class or admin.ModelAdmin)
        super().register(model_or_iterable, admin_class, **options)

    def get_urls(self):
        # Imported here: directory.admin registers its ModelAdmins on this site.
        from directory.admin.view_on_site import view_on_site

        checked = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(view_on_site),
            {"admin_site": self},
            name="view_on_site",
        )
        from directory.admin.coverage_table import coverage_csv, coverage_view

        coverage = [
            path(
                "coverage/", self.admin_view(coverage_view), {"admin_site": self}, name="coverage"
            ),
            path(
                "coverage/coverage.csv",
                self.admin_view(coverage_csv),
                {"admin_site": self},
                name="coverage-csv",
            ),
        ]
        # Django's own version of this address answers anyone on the staff with any
        # object's public address; ours takes its place rather than sitting before it.
        return coverage + [
            checked if getattr(url, "name", None) == "view_on_site" else url
            for url in super().get_urls()
        ]
