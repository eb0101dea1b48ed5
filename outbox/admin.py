"""The emails that have not gone yet, for forum staff to see (read-only).

Provider editors never see it: the emails are to other people. The body is not shown:
report emails repeat the report (in Problem reports already) and invitation emails hold
a link that sets someone's password.
"""

from django.contrib import admin

from directory.roles import ForumStaffOnlyAdminMixin

from .models import QueuedEmail


@admin.register(QueuedEmail)
class QueuedEmailAdmin(ForumStaffOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created", "recipients", "subject", "status", "attempts", "last_error"]
    list_display_links = ["subject"]
    search_fields = ["subject"]
    fields = [
        "created",
        "recipients",
        "reply_to",
        "subject",
        "status",
        "attempts",
        "last_attempt_at",
        "last_error",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).unsent()

    @admin.display(description="to")
    def recipients(self, email):
        return ", ".join(email.to)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
