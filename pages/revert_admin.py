"""The admin's "Revert to this version…" for content with history (pages/reverting.py).

Each version in an object's history gets a link to a page showing what a revert
would change, and a button doing it. django-simple-history's own revert form is
refused: it would also restore whether the object is published.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from . import reverting


class RevertAdminMixin:
    """For a SimpleHistoryAdmin whose model has ``revert_fields`` and
    ``publication_note()`` (what a revert leaves as it is, in plain words)."""

    history_list_display = ["revert_link"]

    def _revert_url_name(self):
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_revert"

    @admin.display(description="Revert")
    def revert_link(self, record):
        url = reverse(f"admin:{self._revert_url_name()}", args=[record.id, record.history_id])
        return format_html('<a href="{}">Revert to this version…</a>', url)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            # One way to revert: ours, which keeps the published state and the links.
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/history/<int:version_id>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name=self._revert_url_name(),
            ),
            *super().get_urls(),
        ]

    def revert_view(self, request, object_id, version_id):
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        record = get_object_or_404(obj.history.all(), history_id=version_id)
        opts = self.model._meta
        if request.method == "POST":
            try:
                reverting.revert(obj, record, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return redirect(request.path)
            self.message_user(
                request,
                f"Reverted “{obj}” to the version of {record.history_date:%d %b %Y %H:%M}.",
                messages.SUCCESS,
            )
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
        return TemplateResponse(
            request,
            "admin/revert.html",
            {
                **self.admin_site.each_context(request),
                "opts": opts,
                "title": f"Revert “{obj}”",
                "object": obj,
                "record": record,
                "changes": reverting.changes(obj, since=record),
                "problem": reverting.revert_problem(obj, record),
                "publication_note": obj.publication_note(),
                "history_url": reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]
                ),
            },
        )
