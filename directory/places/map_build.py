"""Draw the region's district and police-area outlines for the coverage map.

Only ``manage.py build_coverage_map`` runs this, on a developer's machine with the build
packages from requirements-dev.txt installed (shapely as well as the postcode package); the
site reads the committed result, ``data/map.json``, and never imports this module.

The ONS Postcode Directory gives every postcode a grid reference and a council area, but no
boundaries. So the outlines are inferred from the postcodes themselves:

1. every postcode in or near the region is snapped to a 500 m grid square, which takes the
   council area most of its postcodes are in ("outside" for those beyond the region);
2. each square's centre gets the part of the map nearer to it than to any other centre (a
   Voronoi diagram), and the parts are merged by council area;
3. the region is clipped to a hull around its own postcodes, so the coast and the empty
   moors stop near the last postcode rather than running out to the edge of the diagram;
4. the council areas are simplified together (a shared edge is simplified once, so
   neighbours still meet), and police areas are the union of their council areas.

The result is accurate to a few hundred metres: right for a map that shows which part of
the region has which services, not for deciding which side of a boundary a house is on
(the postcode lookup does that). The same package versions always give the same file.
"""

import json
from collections import Counter, defaultdict

from .build import DISTRICTS, LETTERS, read_postcode_letter

GRID_M = 500
# Postcodes this far outside the region's bounding box are read, so that the region's land
# borders follow the neighbours' postcodes rather than the hull.
MARGIN_M = 15_000
# How closely the hull hugs the region's postcodes (0 the tightest, 1 the convex hull), and
# how far beyond the outermost postcodes it is pushed.
HULL_RATIO = 0.02
HULL_BUFFER_M = 750
SIMPLIFY_M = 750
# One SVG unit is this many metres; coordinates are whole units.
UNIT_M = 100
OUTSIDE = ""
# A rough box around the region (OS grid metres), only to choose which postcodes to read.
REGION_BOX = (400_000, 230_000, 565_000, 410_000)

# Police (and crime commissioner) areas: ONS code -> (the short name drawn on the map, the
# council areas in it).
POLICE_AREAS = {
    "E23000018": ("Derbyshire", {"Derbyshire", "Derby"}),
    "E23000019": ("Nottinghamshire", {"Nottinghamshire", "Nottingham"}),
    "E23000020": ("Lincolnshire", {"Lincolnshire"}),
    "E23000021": ("Leicestershire", {"Leicestershire", "Leicester", "Rutland"}),
    "E23000022": ("Northamptonshire", {"Northamptonshire"}),
}
SOURCE = (
    "The borders are drawn by the forum from where postcodes are, so they are close but not "
    "exact. Made from the ONS Postcode Directory. Contains OS data © Crown copyright and "
    "database right 2025. Contains Royal Mail data © Royal Mail copyright and database right "
    "2025. Source: Office for National Statistics, licensed under the"
)


def police_area_of(code):
    name, county = DISTRICTS[code]
    group = county or name
    return next(pcc for pcc, (_label, members) in POLICE_AREAS.items() if group in members)


def read_squares(letters=LETTERS):
    """Return {(col, row): district code or OUTSIDE} for every 500 m square holding a
    postcode in or near the region: the council area most of its postcodes are in."""
    west, south, east, north = REGION_BOX
    west, south, east, north = west - MARGIN_M, south - MARGIN_M, east + MARGIN_M, north + MARGIN_M
    counts = defaultdict(Counter)
    for letter in letters:
        for _pcd, district, x, y in read_postcode_letter(letter):
            if x is None or not district or not (west <= x < east and south <= y < north):
                continue
            code = district if district in DISTRICTS else OUTSIDE
            counts[(x // GRID_M, y // GRID_M)][code] += 1
    return smoothed({square: _most(tally) for square, tally in counts.items()})


def _most(tally):
    return min(tally.items(), key=lambda item: (-item[1], item[0]))[0]


def smoothed(squares):
    """Give each square the area most of the squares around it (and itself) are in: a
    square of one area among another's is mostly an odd postcode, and leaving it would
    draw a ragged edge or a speck."""
    result = {}
    for (col, row), code in squares.items():
        tally = Counter({code: 1})
        for dc in (-1, 0, 1):
            for dr in (-1, 0, 1):
                neighbour = squares.get((col + dc, row + dr))
                if neighbour is not None and (dc or dr):
                    tally[neighbour] += 1
        result[(col, row)] = _most(tally)
    return result


def district_shapes(squares):
    """Return {district code: polygon} inferred from the squares (OS grid metres)."""
    import shapely

    ordered = sorted(squares)
    centres = shapely.points([((c + 0.5) * GRID_M, (r + 0.5) * GRID_M) for c, r in ordered])
    codes = [squares[square] for square in ordered]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(centres), ordered=True))
    by_code = defaultdict(list)
    for cell, code in zip(cells, codes, strict=True):
        if code != OUTSIDE:
            by_code[code].append(cell)
    inside = shapely.multipoints([p for p, code in zip(centres, codes, strict=True) if code])
    hull = shapely.buffer(shapely.concave_hull(inside, ratio=HULL_RATIO), HULL_BUFFER_M)
    shapes = {}
    for code in sorted(by_code):
        shape = shapely.intersection(shapely.union_all(by_code[code]), hull)
        shapes[code] = shapely.make_valid(shape)
    return shapes


def simplified(shapes):
    import shapely

    codes = sorted(shapes)
    simple = shapely.coverage_simplify([shapes[code] for code in codes], SIMPLIFY_M)
    return dict(zip(codes, simple, strict=True))


def to_svg(shape, origin):
    """An SVG path for a polygon or multipolygon: whole units, y downwards, each ring as
    an absolute move then relative lines (the shortest text for a browser to parse)."""
    import shapely

    left, top = origin
    parts = []
    for polygon in shapely.get_parts(shape):
        if polygon.area < (GRID_M * GRID_M):
            continue  # a sliver left by clipping: too small to see or to click
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [
                (round((x - left) / UNIT_M), round((top - y) / UNIT_M)) for x, y in ring.coords
            ]
            dedup = [points[0]]
            for point in points[1:]:
                if point != dedup[-1]:
                    dedup.append(point)
            if len(dedup) < 4:
                continue
            x0, y0 = dedup[0]
            steps = []
            for (ax, ay), (bx, by) in zip(dedup[:-2], dedup[1:-1], strict=True):
                steps.append(f"{bx - ax} {by - ay}")
            parts.append(f"M{x0} {y0}l" + " ".join(steps).replace(" -", "-") + "z")
    return "".join(parts)


def label_point(shape, origin):
    """Where a name fits inside the shape: its pole of inaccessibility, in SVG units."""
    import shapely
    from shapely.ops import polylabel

    largest = max(shapely.get_parts(shape), key=lambda p: p.area)
    point = polylabel(largest, tolerance=UNIT_M * 10)
    left, top = origin
    return [round((point.x - left) / UNIT_M), round((top - point.y) / UNIT_M)]


def build(letters=LETTERS):
    """Return the map as the text of map.json, and a summary for the command to print."""
    import shapely

    squares = read_squares(letters)
    shapes = simplified(district_shapes(squares))
    police = {}
    for pcc in POLICE_AREAS:
        members = [shapes[code] for code in shapes if police_area_of(code) == pcc]
        if members:
            police[pcc] = shapely.union_all(members)
    left, bottom, right, top = shapely.total_bounds(list(shapes.values()))
    pad = 2 * UNIT_M
    origin = (left - pad, top + pad)
    width = round((right - left + 2 * pad) / UNIT_M)
    height = round((top - bottom + 2 * pad) / UNIT_M)
    data = {
        "source": SOURCE,
        "width": width,
        "height": height,
        "districts": [
            {
                "code": code,
                "police_area": police_area_of(code),
                "label": label_point(shape, origin),
                "path": to_svg(shape, origin),
            }
            for code, shape in sorted(shapes.items())
        ],
        "police_areas": [
            {
                "code": pcc,
                "short_name": POLICE_AREAS[pcc][0],
                "label": label_point(shape, origin),
                "path": to_svg(shape, origin),
            }
            for pcc, shape in sorted(police.items())
        ],
    }
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    summary = {
        "squares": len(squares),
        "in_region": sum(1 for code in squares.values() if code != OUTSIDE),
        "districts": len(shapes),
        "missing": sorted(set(DISTRICTS) - set(shapes)),
        "bytes": len(text.encode()),
    }
    return text, summary
