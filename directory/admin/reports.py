"""Visitors' problem reports, for forum staff to read and close.

Forum staff only. Provider editors are emailed each report about their own
listings, but the reports admin shows every organisation's reports and the
visitors' email addresses, so every permission hook here also asks whether the
user is forum staff rather than trusting the group permissions alone.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from directory import reports
from directory.models import ProblemReport
from directory.roles import is_forum_staff


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["created", "listing", "status", "short_message"]
    list_filter = ["status"]
    search_fields = ["message"]
    list_select_related = ["listing"]
    date_hierarchy = "created"
    fields = [
        "listing",
        "listing_links",
        "message",
        "email",
        "created",
        "status",
        "closed_at",
        "closed_by",
    ]
    readonly_fields = [
        "listing",
        "listing_links",
        "message",
        "email",
        "created",
        "closed_at",
        "closed_by",
    ]
    actions = ["close_reports", "reopen_reports"]

    # --- Who sees what: forum staff only --------------------------------------------

    def has_module_permission(self, request):
        return is_forum_staff(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_forum_staff(request.user) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_forum_staff(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_forum_staff(request.user) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request):
        # Reports come from visitors, through the public form.
        return False

    # --- Columns ----------------------------------------------------------------------

    @admin.display(description="What is wrong")
    def short_message(self, obj):
        return Truncator(" ".join(obj.message.split())).chars(80)

    @admin.display(description="Links")
    def listing_links(self, obj):
        return format_html(
            '<a href="{}">Public page</a> · <a href="{}">Edit the listing</a>',
            obj.listing.get_absolute_url(),
            reverse("admin:directory_listing_change", args=[obj.listing_id]),
        )

    # --- Closing ------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            reports.report_record_status(report=obj, by=request.user)
        super().save_model(request, obj, form, change)

    @admin.action(description="Close selected reports", permissions=["change"])
    def close_reports(self, request, queryset):
        closed = reports.reports_close(reports=queryset, by=request.user)
        self.message_user(request, f"Closed {closed} report{'s' if closed != 1 else ''}.")

    @admin.action(description="Reopen selected reports", permissions=["change"])
    def reopen_reports(self, request, queryset):
        reopened = reports.reports_reopen(reports=queryset)
        self.message_user(request, f"Reopened {reopened} report{'s' if reopened != 1 else ''}.")
