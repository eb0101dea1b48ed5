"""Public pages of the directory: home, search, listings and areas."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from . import bulk, reports
from .filters import ListingFilter, active_filters, area_tree
from .forms import ProblemReportForm
from .models import Area, Listing

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


def home(request):
    areas = area_tree(list(Area.objects.with_parents()))
    return render(
        request,
        "directory/home.html",
        {
            "pcc_areas": [a for a in areas if a.kind == Area.Kind.PCC_AREA],
            "region": next((a for a in areas if a.kind == Area.Kind.REGION), None),
        },
    )


def search(request):
    filterset = ListingFilter(_without_blanks(request.GET), queryset=Listing.objects.published())
    context = {"filterset": filterset, "for_professionals": request.GET.get("you") == "pro"}
    if not filterset.is_valid():
        context["errors"] = _error_list(filterset.form)
        return render(request, "directory/search.html", context, status=400)
    results = filterset.qs.for_listing()
    context["active_filters"] = active_filters(filterset, request.GET)
    # Search words and filters make endless combinations of thin pages, and words echo
    # whatever a link says: only the plain list of every service is for search engines.
    context["noindex"] = bool(context["active_filters"])
    context["facets"] = filterset.facets()
    try:
        context["page_obj"] = paginate(request, results)
    except BadPage as bad:
        context["errors"] = [{"field": "page", "message": bad.message}]
        return render(request, "directory/search.html", context, status=bad.status)
    context["page_params"] = _params_without_page(request)
    return render(request, "directory/search.html", context)


@require_safe
def download_csv(request):
    """Return every published service as CSV, in the format forum staff import."""
    filename = f"east-midlands-restorative-justice-services-{timezone.localdate():%Y-%m-%d}.csv"
    return bulk.csv_response(Listing.objects.published(), filename)


def listing_detail(request, slug):
    listing = get_object_or_404(
        Listing.objects.published()
        .select_related("organisation")
        .prefetch_related("audiences", "age_groups", "delivery_modes", "settings", "case_types")
        .prefetch_related("areas"),
        slug=slug,
    )
    return render(request, "directory/listing_detail.html", {"listing": listing})


def area_list(request):
    return render(
        request,
        "directory/area_list.html",
        {"areas": area_tree(list(Area.objects.with_parents()))},
    )


def area_detail(request, slug):
    area = get_object_or_404(Area.objects.with_parents(), slug=slug)
    published = Listing.objects.published()
    covering = published.in_area(area).for_listing()
    context = {"area": area, "total": covering.count()}
    try:
        context["page_obj"] = paginate(request, covering)
    except BadPage as bad:
        context["errors"] = [{"field": "page", "message": bad.message}]
        return render(request, "directory/area_detail.html", context, status=bad.status)
    inside = [a for a in Area.objects.with_parents() if area in a.ancestors()]
    context["inside"] = inside
    context["in_parts"] = (
        published.with_related("areas", inside).exclude(pk__in=covering.values("pk")).count()
        if inside
        else 0
    )
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
LINKED_FIELDS = {"q": "id_q"}


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
