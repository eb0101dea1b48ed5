"""Forum staff write, schedule, publish, revert and unpublish the knowledge hub here.

Nothing is deleted: unpublishing (back to draft) takes an item off the site and
can be undone, and every save is in the item's history, which can be reverted
(pages/revert_admin.py). A draft or scheduled item can be previewed as it will look.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from directory.admin.history import PlainHistoryAdminMixin
from directory.roles import ForumStaffOnlyAdminMixin
from pages.revert_admin import RevertAdminMixin

from .models import Briefing, Event, NewsItem, Status

CONTENT = ("Content", {"fields": ["title", "slug", "summary", "body"]})
PUBLISHING = (
    "Publishing",
    {
        "fields": ["status", "publish_at"],
        "description": (
            "A draft is seen only by forum staff. A published item appears on the site, in "
            "the feed, the sitemap and search from its publish time: set a later time to "
            "schedule it. To take it off the site, set it back to draft."
        ),
    },
)


def publication_state(item, now=None):
    if item.status == Status.DRAFT:
        return "Draft"
    if item.is_live(now):
        return "On the site"
    return f"Scheduled for {timezone.localtime(item.publish_at):%d %b %Y %H:%M}"


class HubItemAdmin(
    ForumStaffOnlyAdminMixin, PlainHistoryAdminMixin, RevertAdminMixin, SimpleHistoryAdmin
):
    list_display = ["title", "state", "publish_at", "updated"]
    list_filter = ["status"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [CONTENT, PUBLISHING]
    actions = ["publish", "unpublish"]
    preview_template = None

    @admin.display(description="On the site?")
    def state(self, item):
        return publication_state(item)

    def has_delete_permission(self, request, obj=None):
        # Nobody: deleting loses the history and breaks links people saved. Unpublish.
        return False

    def view_on_site(self, item):
        # Until it is live the public address is a 404: show the preview instead.
        if item.is_live():
            return item.get_absolute_url()
        return self._preview_url(item)

    def _preview_url(self, item):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_preview", args=[item.pk])

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name=f"{opts.app_label}_{opts.model_name}_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        item = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_or_change_permission(request, item):
            raise PermissionDenied
        context = {"item": item, "preview": publication_state(item), "noindex": True}
        if isinstance(item, Event):
            context["is_past"] = item.is_past()
        return TemplateResponse(request, self.preview_template, context)

    def _set_status(self, request, queryset, status):
        changed = 0
        for item in queryset:
            if item.status != status:
                item.status = status
                item._history_user = request.user
                item.save()
                changed += 1
        return changed

    @admin.action(description="Publish the selected items (scheduled ones wait for their time)")
    def publish(self, request, queryset):
        changed = self._set_status(request, queryset, Status.PUBLISHED)
        waiting = queryset.scheduled().count()
        message = f"Published {changed} item{'s' if changed != 1 else ''}."
        if waiting:
            message += f" {waiting} of the selected will appear at their publish time."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Unpublish the selected items (back to draft)")
    def unpublish(self, request, queryset):
        changed = self._set_status(request, queryset, Status.DRAFT)
        self.message_user(
            request,
            f"Took {changed} item{'s' if changed != 1 else ''} off the site. "
            "They are drafts again and can be published later.",
            messages.SUCCESS,
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(NewsItem)
class NewsItemAdmin(HubItemAdmin):
    preview_template = "hub/news_detail.html"


@admin.register(Briefing)
class BriefingAdmin(HubItemAdmin):
    list_display = ["number", "title", "state", "publish_at", "updated"]
    list_display_links = ["number", "title"]
    preview_template = "hub/briefing_detail.html"
    fieldsets = [
        ("Content", {"fields": ["number", "title", "slug", "summary", "body", "document"]}),
        PUBLISHING,
    ]


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title", "slug", "summary", "body", "date", "start_time", "end_time", "time_zone",
            "online", "place", "how_to_join", "who_for", "status", "publish_at",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        if not data.get("online") and not (data.get("place") or "").strip():
            self.add_error("place", "Say where it is, or tick “online”.")
        return data


@admin.register(Event)
class EventAdmin(HubItemAdmin):
    form = EventAdminForm
    list_display = ["title", "when", "state", "publish_at"]
    date_hierarchy = "starts_at"
    preview_template = "hub/event_detail.html"
    fieldsets = [
        CONTENT,
        (
            "When and where",
            {
                "fields": [
                    "date",
                    "start_time",
                    "end_time",
                    "time_zone",
                    "online",
                    "place",
                    "how_to_join",
                    "who_for",
                ]
            },
        ),  # fmt: skip
        PUBLISHING,
    ]

    @admin.display(description="When", ordering="starts_at")
    def when(self, event):
        text = f"{event.day_text()}, {event.time_text()}"
        return format_html("{} <strong>(past)</strong>", text) if event.is_past() else text
