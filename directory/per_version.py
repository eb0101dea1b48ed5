"""The areas and vocabulary terms, kept in each process for as long as the site's cache
version stands (sitecache.memo): nearly every page reads them, and they rarely change.
Shared between requests: read-only."""

from sitecache.memo import per_version

from .models import Area, Term


def all_areas():
    """Every area with its parents (Area.objects.with_parents()), as a list."""
    return per_version("directory:areas", lambda: list(Area.objects.with_parents()))


def all_terms():
    """Every vocabulary term in the vocabularies' order, as a list."""
    return per_version("directory:terms", lambda: list(Term.objects.all()))
