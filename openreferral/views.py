"""The Open Referral UK API: read-only JSON about the published directory.

Plain Django views rather than Django REST Framework: the API is read-only, its
shape is fixed by the standard (paging envelope, nested objects, empty fields left
out), and ten small views returning dicts are easier to check against the
standard's schemas than serializers bent to produce the same output.
"""

import functools
import json
import logging
import math
import uuid
from pathlib import Path

from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from directory import vocabularies
from directory.models import Term

from . import queries, representations
from .ids import taxonomy_id
from .params import ApiError, identifier, page_and_size

VERSION = "3.0"
PROFILE = "https://github.com/openreferral/uk-profile"
OPENAPI = json.loads((Path(__file__).parent / "openapi.json").read_text(encoding="utf-8"))


def api_view(view):
    """Answer GET (and HEAD) with JSON anyone may read; errors are JSON too.

    Any other method is refused here, in JSON, so the views are exempt from CSRF
    protection: it would refuse a POST first with its own HTML page, and nothing here
    ever changes anything. Server errors are answered in JSON by the site's
    handler500 (emrj/errors.py), for everything under /api/.
    """

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = _error(405, "This API is read-only: use GET.")
            response["Allow"] = "GET, HEAD"
        else:
            try:
                response = JsonResponse(view(request, *args, **kwargs))
            except ApiError as error:
                response = _error(error.status, error.message)
            except SuspiciousOperation as error:
                # Such as more parameters than Django reads (TooManyFieldsSent): logged
                # where Django logs them, and answered like any other bad request.
                logging.getLogger(f"django.security.{type(error).__name__}").error(error)
                response = _error(400, "This request could not be read. Check its parameters.")
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def _error(status, message):
    return JsonResponse({"message": message}, status=status)


def _find(queryset, raw_id, what, field="uuid"):
    """Return the object with id ``raw_id``, or raise a 404 naming what was asked for."""
    try:
        return queryset.get(**{field: uuid.UUID(raw_id)})
    except (ValueError, queryset.model.DoesNotExist):
        raise ApiError(404, f"There is no {what} with the id '{raw_id[:60]}'.") from None


def paged(request, queryset, represent):
    """Return the standard's paging envelope around one page of ``queryset``."""
    page, per_page = page_and_size(request.GET)
    total = len(queryset) if isinstance(queryset, list) else queryset.count()
    total_pages = max(1, math.ceil(total / per_page))
    # Beyond the last page is an empty page, not an error; nothing to fetch for it.
    rows = queryset[(page - 1) * per_page : page * per_page] if page <= total_pages else []
    contents = [represent(row) for row in rows]
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


@api_view
def root(request):
    return {
        "version": VERSION,
        "profile": PROFILE,
        "openapi_url": request.build_absolute_uri(reverse("openreferral:openapi")),
    }


@api_view
def openapi(request):
    base = request.build_absolute_uri(reverse("openreferral:root")).rstrip("/")
    return {**OPENAPI, "servers": [{"url": base}]}


@api_view
def service_list(request):
    services = queries.filter_services(queries.services(), request.GET)
    return paged(request, services, lambda s: representations.service_summary(s, request))


@api_view
def service_detail(request, id):
    listing = _find(queries.full_services(), id, "published service")
    return representations.service(listing, request)


@api_view
def service_at_location_list(request):
    services = queries.filter_services(queries.with_locations(queries.services()), request.GET)
    return paged(request, services, lambda s: representations.service_at_location(s, request))


@api_view
def service_at_location_detail(request, id):
    # A service has at most one location, so the link between them shares its id.
    listing = _find(queries.with_locations(queries.services()), id, "service at a location")
    return representations.service_at_location(listing, request)


@api_view
def organization_list(request):
    return paged(
        request,
        queries.published_organisations(),
        lambda org: representations.organization(org, request),
    )


@api_view
def organization_detail(request, id):
    org = _find(queries.published_organisations(), id, "organization")
    services = queries.services().filter(organisation=org).order_by("name", "pk")
    return representations.organization(org, request, services=services)


@api_view
def taxonomy_list(request):
    return paged(request, vocabularies.VOCABULARIES, representations.taxonomy)


@api_view
def taxonomy_detail(request, id):
    vocabulary = next(
        (v for v in vocabularies.VOCABULARIES if str(taxonomy_id(v.key)) == id.lower()), None
    )
    if vocabulary is None:
        raise ApiError(404, f"There is no taxonomy with the id '{id[:60]}'.")
    return representations.taxonomy(vocabulary, Term.objects.filter(vocabulary=vocabulary.key))


@api_view
def taxonomy_term_list(request):
    terms = Term.objects.order_by("vocabulary", "position", "name", "pk")
    if vocabulary_id := identifier(request.GET, "taxonomy_id"):
        vocabulary = queries.TAXONOMIES.get(vocabulary_id)
        terms = terms.filter(vocabulary=vocabulary.key) if vocabulary else terms.none()
    return paged(request, terms, representations.taxonomy_term)


@api_view
def taxonomy_term_detail(request, id):
    return representations.taxonomy_term(_find(Term.objects.all(), id, "taxonomy term"))


@api_view
def not_found(request, rest=""):
    description = request.build_absolute_uri(reverse("openreferral:openapi"))
    raise ApiError(404, f"There is nothing at this address. The API is described at {description}")
