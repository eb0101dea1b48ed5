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


def test_targets_met_when_every_ratio_reaches_its_goal(bench):
    sections = [
        ("sqlite", "no cache at all", rows(bench, {"search, text + 2 filters": 0.25})),
        ("sqlite", "page cache warm", rows(bench, {"home": 0.70})),
    ]
    lines = bench.target_lines(sections)
    assert not any("NOT met" in line for line in lines)
    assert len(lines) == 1 + 2 + 1  # errors; search and listing uncached; warm pages


def test_a_page_below_its_goal_is_named(bench):
    sections = [
        ("postgresql", "no cache at all", rows(bench, {"listing": 0.07})),
        ("postgresql", "page cache warm", rows(bench, {"API /services": 0.69})),
    ]
    failed = [line for line in bench.target_lines(sections) if "NOT met" in line]
    assert failed == [
        "- listing, uncached ≥ 50% (PostgreSQL, no cache at all): NOT met, lowest 7% (listing).",
        "- every public page, page cache warm ≥ 70% (PostgreSQL, page cache warm): NOT met, "
        "lowest 69% (API /services).",
    ]


def test_any_error_fails_the_first_target(bench):
    lines = bench.target_lines([("sqlite", "no cache at all", rows(bench, {}, errors=3))])
    assert lines[0] == "- Zero errors and zero non-2xx responses: NOT met."
