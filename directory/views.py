"""Public pages of the directory: home, search, listings and areas."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from hub import latest as hub_latest
from hub import search as hub_search
from missedsearches import counting as missed
from sitecache.schedule import changes_with_the_clock
from sitecache.schedule import mark as mark_changes_with_the_clock

from . import bulk, coverage, coverage_map, per_version, relations, reports, vocabularies
from .filters import MAX_QUERY_LENGTH, ListingFilter, active_filters, area_tree
from .forms import ProblemReportForm
from .models import Area, Listing
from .where import MAX_WHERE_LENGTH, resolve_where, split_place_from_words, without_full_postcode

MAX_PAGE_DIGITS = 18


class BadPage(Exception):
    """A page number that cannot be shown, with the status and message to give."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def paginate(request, queryset):
    """Return the requested page of ``queryset``, or raise BadPage."""
    raw = request.GET.get("page", "1").strip() or "1"
    if not raw.isascii() or not raw.isdigit():
        raise BadPage(400, "The page number must be a whole number, such as 2.")
    paginator = Paginator(queryset, settings.DIRECTORY_PAGE_SIZE)
    if len(raw) > MAX_PAGE_DIGITS:
        raise BadPage(404, f"There is no page {raw} of these results.")
    number = int(raw)
    if number < 1 or number > paginator.num_pages:
        raise BadPage(
            404,
            f"There is no page {number} of these results. "
            f"There {'is' if paginator.num_pages == 1 else 'are'} "
            f"{paginator.num_pages} page{'' if paginator.num_pages == 1 else 's'}.",
        )
    return paginator.page(number)


@changes_with_the_clock  # the latest news and the next event
def home(request):
    areas = area_tree(per_version.all_areas())
    return render(
        request,
        "directory/home.html",
        {
            "pcc_areas": [a for a in areas if a.kind == Area.Kind.PCC_AREA],
            "region": next((a for a in areas if a.kind == Area.Kind.REGION), None),
            **hub_latest.for_home_page(),
        },
    )


def search(request):
    params = _without_blanks(request.GET)
    moved = _place_moved_to_where(params)
    if moved is not None:
        return redirect(f"{reverse('directory:search')}?{moved.urlencode()}")
    filterset = ListingFilter(params, queryset=Listing.objects.published())
    context = {"filterset": filterset, "for_professionals": request.GET.get("you") == "pro"}
    if not filterset.is_valid():
        context["errors"] = _error_list(filterset.form)
        if "where" in filterset.form.errors:
            context["where_suggestions"] = _where_suggestions(filterset, params)
        return render(request, "directory/search.html", context, status=400)
    results = filterset.results()
    context["where"] = filterset.form.cleaned_data.get("where")
    context["active_filters"] = active_filters(filterset, params)
    # Search words and filters make endless combinations of thin pages, and words echo
    # whatever a link says: only the plain list of every service is for search engines.
    context["noindex"] = bool(context["active_filters"])
    context["facets"] = filterset.facets()
    try:
        context["page_obj"] = paginate(request, results)
    except BadPage as bad:
        context["errors"] = [{"field": "page", "message": bad.message}]
        return render(request, "directory/search.html", context, status=bad.status)
    chosen, all_areas = filterset.chosen_areas(), filterset.all_areas()
    if chosen:
        coverage.mark_partial(context["page_obj"], chosen, all_areas)
        context["no_local_service"] = not results.linked_to_any(
            coverage.local_area_ids(chosen, all_areas)
        )
        context["place_name"] = coverage.place_name(chosen)
        context["narrowed"] = any(
            filterset.chosen(name) for name in filterset.filters if name not in ("where", "area")
        )
    context["page_params"] = _params_without_page(request)
    if context["page_obj"].number == 1:
        # Below the services: the knowledge hub's news and briefings with these words.
        context["hub_results"], context["hub_total"] = hub_search.find(
            filterset.form.cleaned_data.get("q")
        )
    response = render(request, "directory/search.html", context)
    if context["page_obj"].number == 1 and not context["page_obj"].paginator.count:
        _count_missed(filterset, params, context.get("where"))
        response.not_kept = True  # so that every such search reaches here and is counted
    # With search words the page lists news and briefings, which appear when due.
    return mark_changes_with_the_clock(response) if request.GET.get("q") else response


def _count_missed(filterset, params, where):
    """Count a search that found nothing (missedsearches): its words, its place and the
    filters chosen, which the form has checked are real choices."""
    chosen = [
        f"{name}={value}"
        for name in sorted(filterset.filters)
        if name not in ("q", "where")
        for value in params.getlist(name)
    ]
    missed.record(
        words=filterset.form.cleaned_data.get("q") or "",
        place=where.label if where else "",
        filters="; ".join(chosen),
    )


def _place_moved_to_where(params):
    """Return new search parameters when a place should move into the where box.

    A full postcode becomes its district (see directory/where.py), and a place
    typed among the search words ("mediation Loughborough") moves to ``where``,
    so both kinds of search give the same shareable address. None if unchanged.
    """
    where, words = params.get("where", ""), params.get("q", "")
    if len(where) > MAX_WHERE_LENGTH or len(words) > MAX_QUERY_LENGTH:
        return None  # the form says what is wrong
    areas = None
    if where:
        areas = per_version.all_areas()
        instead = without_full_postcode(where, areas)
        if instead is None:
            return None
        moved = params.copy()
        moved["where"] = instead
        moved.pop("page", None)
        return moved
    if not words:
        return None
    areas = per_version.all_areas()
    found = split_place_from_words(words, areas)
    if found is None:
        return None
    place, remaining = found
    moved = params.copy()
    moved["where"] = without_full_postcode(place, areas) or place
    if remaining:
        moved["q"] = remaining
    else:
        moved.pop("q")
    moved.pop("page", None)
    return moved


def _where_suggestions(filterset, params):
    """Links to the same search for each place the visitor may have meant."""
    where = resolve_where(params.get("where", ""), filterset.all_areas())
    links = []
    for name in where.suggestions:
        changed = params.copy()
        changed["where"] = name
        changed.pop("page", None)
        links.append((name, f"?{changed.urlencode()}"))
    return links


@require_safe
def download_csv(request):
    """Return every published service as CSV, in the format forum staff import."""
    filename = f"east-midlands-restorative-justice-services-{timezone.localdate():%Y-%m-%d}.csv"
    return bulk.csv_response(Listing.objects.published(), filename)


def listing_detail(request, slug):
    listing = get_object_or_404(
        Listing.objects.published().select_related("organisation"), slug=slug
    )
    relations.load([listing], vocabularies.RELATIONS)  # one query for every area and term
    return render(request, "directory/listing_detail.html", {"listing": listing})


def area_list(request):
    return render(
        request,
        "directory/area_list.html",
        {"areas": area_tree(per_version.all_areas())},
    )


def area_map(request):
    """The region's council or police areas shaded by the services available in each,
    optionally only the services for one kind of visitor; a table says the same in words."""
    level = request.GET.get("show", "").strip() or coverage_map.DEFAULT_LEVEL
    audiences = coverage_map.audience_terms()
    chosen = request.GET.get("audience", "").strip()
    audience = next((term for term in audiences if term.slug == chosen), None)
    errors = []
    if level not in coverage_map.LEVELS:
        errors.append(
            {"anchor": "show", "label": "Show", "message": "Choose council areas or police areas."}
        )
    if chosen and audience is None:
        errors.append(
            {
                "anchor": "audience",
                "label": "Who the services are for",
                "message": "Choose who the services are for from the list.",
            }
        )
    context = {
        "levels": coverage_map.LEVELS,
        "level": level,
        "level_label": coverage_map.LEVELS.get(level, ""),
        "audiences": audiences,
        "audience": audience,
        "bands": coverage_map.BANDS,
        "source": coverage_map.source(),
    }
    if errors:
        context["errors"] = errors
        return render(request, "directory/area_map.html", context, status=400)
    context["map"] = coverage_map.build(level, audience)
    return render(request, "directory/area_map.html", context)


def area_detail(request, slug):
    """List every service available to someone living in the area, closest first."""
    all_areas = per_version.all_areas()
    area = next((a for a in all_areas if a.slug == slug), None)
    if area is None:
        raise Http404("No such area.")
    available = Listing.objects.published().in_areas([area], all_areas)
    results = available.by_closeness([area]).for_listing()
    context = {"area": area, "total": results.count()}
    try:
        context["page_obj"] = paginate(request, results)
    except BadPage as bad:
        context["errors"] = [{"field": "page", "message": bad.message}]
        return render(request, "directory/area_detail.html", context, status=bad.status)
    coverage.mark_partial(context["page_obj"], [area], all_areas)
    context["no_local_service"] = coverage.no_local_service(results, [area], all_areas)
    context["inside"] = [a for a in all_areas if a.parent_id == area.pk]
    context["page_params"] = _params_without_page(request)
    return render(request, "directory/area_detail.html", context)


@require_http_methods(["GET", "POST"])
def report_problem(request, slug):
    """Let a visitor tell the listing's editors that something on it is wrong."""
    listing = get_object_or_404(
        Listing.objects.published().select_related("organisation"), slug=slug
    )
    if request.method != "POST":
        return _report_page(request, listing, ProblemReportForm())
    form = ProblemReportForm(request.POST)
    if form.is_spam:
        # Look the same as success, so a robot learns nothing; keep nothing.
        return render(request, "directory/report_problem_sent.html", {"listing": listing})
    address = reports.client_address(request)
    if reports.too_many_reports(listing=listing, address=address):
        return _report_page(request, listing, form, status=429, too_many=True)
    if not form.is_valid():
        return _report_page(request, listing, form, status=400, errors=form.error_list())
    reports.count_report(listing=listing, address=address)
    reports.report_submit(
        listing=listing,
        message=form.cleaned_data["message"],
        email=form.cleaned_data["email"],
    )
    return redirect("directory:report-problem-sent", slug=listing.slug)


def _report_page(request, listing, form, *, status=200, **extra):
    max_length = form.fields["message"].max_length
    context = {"listing": listing, "form": form, "max_length": max_length}
    context["max_length_text"] = f"{max_length:,}"
    return render(request, "directory/report_problem.html", {**context, **extra}, status=status)


def report_problem_sent(request, slug):
    listing = get_object_or_404(Listing.objects.published(), slug=slug)
    return render(request, "directory/report_problem_sent.html", {"listing": listing})


# Crawlers stay out of the admin, the password links and the open data API. The report
# forms are not listed: a crawler must be able to fetch them to see their noindex.
ROBOTS_DISALLOW = ["/admin/", "/accounts/", "/api/"]


@require_safe
def robots_txt(request):
    """Tell crawlers where the sitemap is and which parts of the site to leave alone."""
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _without_blanks(params):
    """Drop empty values (``?area=``) that hand-edited addresses may carry."""
    cleaned = params.copy()
    for key in list(cleaned):
        values = [value for value in cleaned.getlist(key) if value.strip()]
        if values:
            cleaned.setlist(key, values)
        else:
            del cleaned[key]
    return cleaned


# Fields the search page shows as an input even when the search is refused, so
# the error summary can link to them (filters are not shown then).
LINKED_FIELDS = {"q": "id_q", "where": "id_where"}


def _error_list(form):
    return [
        {
            "field": name,
            "label": form.fields[name].label,
            "message": message,
            "anchor": LINKED_FIELDS.get(name),
        }
        for name, messages in form.errors.items()
        for message in messages
    ]


def _params_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
