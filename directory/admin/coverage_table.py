"""The coverage report in the admin: forum staff only (directory/coverage_table.py)."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse

from directory import coverage_table
from directory.roles import is_forum_staff


def _require_staff(request):
    if not is_forum_staff(request.user):
        raise PermissionDenied


def coverage_view(request, admin_site):
    _require_staff(request)
    param = request.GET.get("show", coverage_table.DEFAULT)
    spec = coverage_table.field_for(param)
    status = 200
    if spec is None:
        messages.error(request, "That is not one of the lists below: showing who it is for.")
        spec, status = coverage_table.field_for(coverage_table.DEFAULT), 400
    terms, rows = coverage_table.build(spec)
    return TemplateResponse(
        request,
        "admin/directory/coverage.html",
        {
            **admin_site.each_context(request),
            "title": "Where services are missing",
            "spec": spec,
            "choices": coverage_table.report_fields(),
            "terms": terms,
            "rows": rows,
            "gaps": sum(row.gaps for row in rows),
        },
        status=status,
    )


def coverage_csv(request, admin_site):
    _require_staff(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="emrj-coverage.csv"'
    writer = csv.writer(response)
    for row in coverage_table.csv_rows():
        writer.writerow(row)
    return response
