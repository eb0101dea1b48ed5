"""The benchmark's verdicts on the targets are read from its own figures."""

import importlib.util
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[2] / "bench" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows(bench, ratios, errors=0):
    return [
        {"page": name, "path": path, "ratio": ratios.get(name, 1.0), "errors": errors, "non_2xx": 0}
        for name, path in bench.PAGES
    ]


def costs(bench, ms=None, queries=None):
    ms, queries = ms or {}, queries or {}
    return [
        {
            "page": name,
            "path": path,
            "ms": ms.get(name, 1.0),
            "queries": queries.get(name, 2),
            "sql_ms": 0.1,
        }
        for name, path in [*bench.PAGES, bench.COLD_TEXT]
    ]


def test_targets_met_when_every_figure_reaches_its_goal(bench):
    sections = [
        ("sqlite", "page cache off", rows(bench, {"search, unfiltered": 0.10, "listing": 0.2})),
        ("sqlite", "page cache warm", rows(bench, {"home": 0.70})),
    ]
    growth = [
        ("sqlite", 5000, costs(bench, {"search by a place": 15.0}), None),
        ("sqlite", 50000, costs(bench, {"API /services": 30.0}, {"listing": 4}), None),
    ]
    lines = bench.target_lines(sections, growth)
    assert not any("NOT met" in line for line in lines), lines
    # errors; 3 searches and 2 pages under wrk; warm pages; at 5,000: 3 searches and the
    # listing's queries; at 50,000: 3 searches, the API and the listing's queries.
    assert len(lines) == 1 + 5 + 1 + 4 + 5


def test_a_figure_below_its_goal_is_named(bench):
    sections = [
        ("postgresql", "page cache off", rows(bench, {"listing": 0.07})),
        ("postgresql", "page cache warm", rows(bench, {"API /services": 0.69})),
    ]
    growth = [
        ("postgresql", 5000, costs(bench, {"search, text + 2 filters": 27.4}, {"listing": 5}), None)
    ]
    failed = [line for line in bench.target_lines(sections, growth) if "NOT met" in line]
    assert failed == [
        "- listing, page cache off, ≥ 20% of the baseline under wrk (PostgreSQL): NOT met, 7.0%.",
        "- every public page, page cache warm, ≥ 70% (PostgreSQL): NOT met, lowest 69% "
        "(API /services).",
        "- search, text + 2 filters ≤ 15 ms in one process at 5,000 listings (PostgreSQL): "
        "NOT met, 27.4 ms.",
        "- listing page ≤ 4 queries at 5,000 listings (PostgreSQL): NOT met, 5.",
    ]


def test_any_error_fails_the_first_target(bench):
    lines = bench.target_lines([("sqlite", "page cache off", rows(bench, {}, errors=3))], [])
    assert lines[0] == "- Zero errors and zero non-2xx responses: NOT met."


def test_the_growth_table_has_a_column_per_database_and_size(bench):
    growth = [
        (database, size, costs(bench), {"build_ms": 12.0, "bytes": 11_000})
        for database in ("sqlite", "postgresql")
        for size in (500, 5000)
    ]
    lines = bench.growth_section(growth)
    header = next(line for line in lines if line.startswith("| Page |"))
    assert header.count("|") == 6
    assert "PostgreSQL 5,000" in header
    assert any(line.startswith("| facet index: build, size | 12 ms, 11 kB") for line in lines)
