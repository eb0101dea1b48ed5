"""The public coverage map: each council area or police area of the region, shaded by the
number of published services someone living there can use.

The outlines come from ``places/data/map.json``, drawn once by ``manage.py
build_coverage_map`` from ONS open data and committed; nothing here computes geometry. An
area on the map is matched to its Area row by ONS code, so the names, links and counts are
the directory's own ("available" as on the area's page and in the coverage report).
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.urls import reverse

from . import coverage_table
from .models import Area, Term

MAP_FILE = Path(__file__).parent / "places" / "data" / "map.json"
LEVELS = {"council": "Council areas", "police": "Police areas"}
DEFAULT_LEVEL = "council"
# (lowest count, highest count or None, legend text); the CSS shades band 0 to 3.
BANDS = [
    (0, 0, "No service"),
    (1, 2, "1 or 2 services"),
    (3, 5, "3 to 5 services"),
    (6, None, "6 or more services"),
]


@functools.cache
def outlines():
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


def band(count):
    return next(i for i, (low, high, _) in enumerate(BANDS) if high is None or count <= high)


def count_text(count):
    if count == 0:
        return "no services"
    return "1 service" if count == 1 else f"{count} services"


@dataclass
class Shape:
    area: Area
    count: int
    url: str
    path: str
    label: list
    police_area: str = ""
    short_name: str = ""

    @property
    def band(self):
        return band(self.count)

    @property
    def description(self):
        """What a screen reader says for the area, and what a pointer's tooltip shows."""
        return f"{self.area.name}: {count_text(self.count)}"


@dataclass
class CoverageMap:
    width: int
    height: int
    shapes: list  # Shape, in the map file's order, for drawing
    borders: list  # police-area outlines drawn over council areas (paths), or []

    @property
    def table(self):
        return sorted(self.shapes, key=lambda shape: shape.area.name)

    @property
    def gaps(self):
        return [shape for shape in self.table if shape.count == 0]


def audience_terms():
    vocabulary = coverage_table.field_for("audience").vocabulary
    return list(Term.objects.filter(vocabulary=vocabulary).order_by("position", "name"))


def build(level=DEFAULT_LEVEL, audience=None):
    """The map for ``level`` ("council" or "police"), counting only services for
    ``audience`` (a Term) if given."""
    data = outlines()
    areas = list(Area.objects.all())
    by_code = {area.ons_code: area for area in areas if area.ons_code}
    by_id = {area.pk: area for area in areas}
    available = coverage_table.available_by_area(areas)
    if audience is not None:
        spec = coverage_table.field_for("audience")
        wanted = coverage_table.listings_with_terms(spec).get(audience.pk, set())
        available = {pk: ids & wanted for pk, ids in available.items()}

    entries = data["districts"] if level == "council" else data["police_areas"]
    shapes = []
    for entry in entries:
        area = by_code.get(entry["code"])
        if area is None:
            continue  # an area the directory does not have (yet): not drawn as a link
        shapes.append(
            Shape(
                area=area,
                count=len(available[area.pk]),
                url=_url(area, audience),
                path=entry["path"],
                label=entry["label"],
                police_area=coverage_table.police_area_name(area, by_id),
                short_name=entry.get("short_name", ""),
            )
        )
    borders = [entry["path"] for entry in data["police_areas"]] if level == "council" else []
    return CoverageMap(data["width"], data["height"], shapes, borders)


def _url(area, audience):
    """The area's page; or, for one kind of visitor, the search for that area and kind."""
    if audience is None:
        return area.get_absolute_url()
    query = urlencode({"area": area.slug, "audience": audience.slug})
    return f"{reverse('directory:search')}?{query}"


def source():
    return outlines()["source"]
