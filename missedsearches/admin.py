"""Searches that found nothing, for forum staff: what people look for and do not find."""

import datetime
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from directory.roles import ForumStaffOnlyAdminMixin

from .models import MissedSearch

TOP = 15


def search_url(row):
    """The public search that found nothing, so staff can try it themselves."""
    params = [("q", row.words)] if row.words else []
    if row.place:
        params.append(("where", row.place))
    for pair in filter(None, row.filters.split("; ")):
        name, _, value = pair.partition("=")
        params.append((name, value))
    return f"{reverse('directory:search')}?{urlencode(params)}"


@admin.register(MissedSearch)
class MissedSearchAdmin(ForumStaffOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "words", "place", "filters", "count", "try_it"]
    search_fields = ["words", "place", "filters"]
    date_hierarchy = "day"
    change_list_template = "admin/missedsearches/missedsearch/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Try it")
    def try_it(self, row):
        return format_html('<a href="{}">Search again</a>', search_url(row))

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        periods = []
        for label, days in [("the last 30 days", 30), ("the last 12 months", 365)]:
            since = today - datetime.timedelta(days=days - 1)
            rows = MissedSearch.objects.filter(day__gte=since)
            periods.append(
                {
                    "label": label,
                    "total": rows.aggregate(total=Sum("count"))["total"] or 0,
                    "words": _top(rows.exclude(words=""), "words"),
                    "places": _top(rows.exclude(place=""), "place"),
                }
            )
        context = {"periods": periods, **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)


def _top(rows, field):
    """The most frequent words (or places), each with a link to search for just that."""
    top = rows.values(field).annotate(times=Sum("count")).order_by("-times", field)[:TOP]
    param = "q" if field == "words" else "where"
    return [
        {**row, "url": f"{reverse('directory:search')}?{urlencode({param: row[field]})}"}
        for row in top
    ]
