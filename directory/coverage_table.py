"""Where restorative justice is missing: published services available to someone
living in each area, for each term of a vocabulary (who it is for, age group,
delivery mode, offence, stage).

"Available" means what the public search means for that area (``Listing.in_areas``):
a service for the area, for any area around it (county, police area, region), or
for part of it. Each cell's link is that very search, so staff can see the services
behind a figure; a test checks every figure against it.

Built from a few queries (areas, published listings' areas, and their terms),
whatever the number of cells.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from . import vocabularies
from .models import Area, Listing, Term

# The vocabularies a coverage report can show, by their search parameter.
VOCABULARY_FIELDS = ["audiences", "age_groups", "delivery_modes", "offence_types", "stages"]
DEFAULT = "audience"


def report_fields():
    by_name = {spec.name: spec for spec in vocabularies.TERM_FIELDS}
    return [by_name[name] for name in VOCABULARY_FIELDS]


def field_for(param):
    """The TERM_FIELDS entry searched by ``param`` ("audience"…), or None."""
    return next((spec for spec in report_fields() if spec.param == param), None)


@dataclass
class Row:
    area: Area
    depth: int
    police_area: str
    cells: list = field(default_factory=list)  # (term, count, search url)

    @property
    def gaps(self):
        return sum(1 for _term, count, _url in self.cells if count == 0)


def _tree(areas):
    """Areas in reading order (region, then each police area with its councils and
    their districts), with their depth."""
    children = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    ordered = []

    def walk(parent_id, depth):
        for area in sorted(children.get(parent_id, []), key=lambda a: a.name):
            ordered.append((area, depth))
            walk(area.pk, depth + 1)

    walk(None, 0)
    return ordered


def police_area_name(area, by_id):
    for ancestor in [area, *_ancestors(area, by_id)]:
        if ancestor.kind == Area.Kind.PCC_AREA:
            return ancestor.name
    return ""


def _ancestors(area, by_id):
    found, parent_id = [], area.parent_id
    while parent_id is not None:
        parent = by_id[parent_id]
        found.append(parent)
        parent_id = parent.parent_id
    return found


def search_url(area, spec, term):
    return f"{reverse('directory:search')}?{urlencode({'area': area.slug, spec.param: term.slug})}"


def available_by_area(areas):
    """{area pk: ids of the published listings available to someone living there}."""
    by_id = {area.pk: area for area in areas}
    listing_areas = {}
    for listing_id, area_id in Listing.areas.through.objects.filter(
        listing__in=Listing.objects.published()
    ).values_list("listing_id", "area_id"):
        listing_areas.setdefault(listing_id, set()).add(area_id)
    descendants = _descendants(areas)
    available = {}
    for area in areas:
        reach = {area.pk, *(a.pk for a in _ancestors(area, by_id)), *descendants[area.pk]}
        available[area.pk] = {pk for pk, covered in listing_areas.items() if covered & reach}
    return available


def listings_with_terms(spec):
    """{term pk: ids of the published listings with that term} for TERM_FIELDS ``spec``."""
    through = Listing._meta.get_field(spec.name).remote_field.through
    term_field = f"{Term._meta.model_name}_id"
    listings_with = {}
    for listing_id, term_id in through.objects.filter(
        listing__in=Listing.objects.published()
    ).values_list("listing_id", term_field):
        listings_with.setdefault(term_id, set()).add(listing_id)
    return listings_with


def build(spec):
    """Return (terms, rows) for the vocabulary of TERM_FIELDS entry ``spec``."""
    areas = list(Area.objects.all())
    by_id = {area.pk: area for area in areas}
    available = available_by_area(areas)
    listings_with = listings_with_terms(spec)
    terms = list(Term.objects.filter(vocabulary=spec.vocabulary).order_by("position", "name"))

    rows = []
    for area, depth in _tree(areas):
        row = Row(area=area, depth=depth, police_area=police_area_name(area, by_id))
        for term in terms:
            count = len(available[area.pk] & listings_with.get(term.pk, set()))
            row.cells.append((term, count, search_url(area, spec, term)))
        rows.append(row)
    return terms, rows


def _descendants(areas):
    children = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area.pk)
    found = {}

    def collect(pk):
        if pk not in found:
            inside = set()
            for child in children.get(pk, []):
                inside |= {child, *collect(child)}
            found[pk] = inside
        return found[pk]

    for area in areas:
        collect(area.pk)
    return found


def csv_rows():
    """Every vocabulary, one row per area and term, for the CSV download."""
    yield ["Area", "Kind of area", "Police area", "Vocabulary", "Term", "Services", "Search"]
    for spec in report_fields():
        _terms, rows = build(spec)
        for row in rows:
            for term, count, url in row.cells:
                yield [
                    row.area.name,
                    row.area.get_kind_display(),
                    row.police_area,
                    spec.label,
                    term.name,
                    count,
                    url,
                ]
