"""Production settings plus a baseline page, for `make bench` only (bench/run.py)."""

from .settings import *  # noqa: F403

ROOT_URLCONF = "emrj.bench_urls"
# The baseline measures the framework's floor, so the page cache must not answer it.
PUBLIC_PAGE_CACHE_EXEMPT = (*PUBLIC_PAGE_CACHE_EXEMPT, "/bench/")  # noqa: F405
