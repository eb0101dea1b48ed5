"""Refuse a request body bigger than its address needs, before anything reads it.

Django keeps form fields to DATA_UPLOAD_MAX_MEMORY_SIZE, but it reads an uploaded
file whole (to memory, then to a temporary file) whatever its size, and it does so
as soon as anything looks at ``request.POST``: the CSRF check does, before any view
can look at the file's size. A visitor could keep a worker busy, and fill its disk,
with one big POST to any address. So the ``Content-Length`` header is checked first,
against the most the address can need:

- the CSV import: a file of up to ``bulk.MAX_UPLOAD_BYTES`` (its confirm step sends
  the file back signed, which the preview keeps within Django's limit on form data);
- a briefing's page in the admin: a document of up to ``hub.models.DOCUMENT_MAX_BYTES``;
- the rest of the admin: Django's limit on form data;
- public pages: their forms (report a problem, sign in) are a few kilobytes.

A body without ``Content-Length`` (chunked) needs no check: Django reads no more of a
body than ``Content-Length`` says, and none without it. The refusal is a plain 413
page rendered without the database or the session.
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from directory import bulk
from hub.models import DOCUMENT_MAX_BYTES

# Room for the multipart headers, the CSRF token and the other fields around a file.
FORM_ALLOWANCE = 64 * 1024
IMPORT_PATH = "/admin/directory/listing/import/"
IMPORT_LIMIT = bulk.MAX_UPLOAD_BYTES + FORM_ALLOWANCE
DOCUMENT_PATH = "/admin/hub/briefing/"
DOCUMENT_LIMIT = DOCUMENT_MAX_BYTES + FORM_ALLOWANCE
PUBLIC_LIMIT = 64 * 1024


def limit_for(path):
    """The most bytes of body a request to ``path`` may send."""
    if path == IMPORT_PATH:
        return IMPORT_LIMIT
    if path.startswith(DOCUMENT_PATH):
        return DOCUMENT_LIMIT
    if path.startswith("/admin/"):
        return (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or IMPORT_LIMIT) + FORM_ALLOWANCE
    return PUBLIC_LIMIT


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads nothing of a body whose length it cannot read
        if length > limit_for(request.path):
            return too_big(request)
        return self.get_response(request)


def too_big(request):
    importing = request.path == IMPORT_PATH
    html = render_to_string(
        "413.html",
        {
            "importing": importing,
            "attaching": request.path.startswith(DOCUMENT_PATH),
            "most_mb": bulk.MAX_UPLOAD_BYTES // 1024 // 1024,
            "document_mb": DOCUMENT_MAX_BYTES // 1024 // 1024,
        },
    )
    return HttpResponse(html, status=413)
