"""The search page's filters, their facet counts and the active-filter list.

Filters are GET parameters so every search has a shareable address. Filters
combine with AND; the values chosen within one filter combine with OR.
"""

import hashlib
import json
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.db.models.functions import Lower

from sitecache.version import current_version_and

from . import facet_index, per_version, vocabularies
from .models import Area, Listing, Organisation, Term
from .where import MAX_WHERE_LENGTH, resolve_where

MAX_QUERY_LENGTH = 200

# Shown when a shared or hand-edited address names a value that does not exist.
UNKNOWN_VALUE = {
    "invalid_choice": "“%(value)s” is not one of the choices. Remove it and search again.",
    "invalid_pk_value": "“%(pk)s” is not one of the choices. Remove it and search again.",
}


class TermFilter(django_filters.ModelMultipleChoiceFilter):
    """Filter by one vocabulary's terms, chosen by slug."""

    def __init__(self, vocabulary, **kwargs):
        self.vocabulary = vocabulary
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("queryset", Term.objects.filter(vocabulary=vocabulary))
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("error_messages", UNKNOWN_VALUE)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        return qs.with_related(self.field_name, value) if value else qs


class WhereField(forms.CharField):
    """A place typed by the visitor, cleaned into the areas that cover it."""

    def __init__(self, *args, areas=None, **kwargs):
        self.areas = areas
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        where = resolve_where(text, self.areas())
        if where.found or where.outside_region:
            return where
        if where.kind == "unmapped":
            raise forms.ValidationError(
                "We know where “%(text)s” is, but this directory has no area for it yet.",
                params={"text": text},
            )
        raise forms.ValidationError(
            "We could not find “%(text)s”. Check the spelling, or enter a town, village, "
            "district or postcode in the East Midlands.",
            params={"text": text},
        )


class WhereFilter(django_filters.CharFilter):
    field_class = WhereField

    def filter(self, qs, value):
        if value is None:
            return qs
        if value.outside_region:
            return qs.none()
        return qs.in_areas(value.areas, self.parent.all_areas())


class ListingFilter(django_filters.FilterSet):
    where = WhereFilter(
        label="Where you live",
        max_length=MAX_WHERE_LENGTH,
        error_messages={
            "max_length": f"Where you live must be {MAX_WHERE_LENGTH} characters or fewer."
        },
    )
    q = django_filters.CharFilter(
        method="filter_text",
        label="Search",
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": f"Search words must be {MAX_QUERY_LENGTH} characters or fewer."
        },
    )
    area = django_filters.ModelMultipleChoiceFilter(
        label="Area",
        queryset=Area.objects.with_parents(),
        to_field_name="slug",
        method="filter_area",
        widget=forms.CheckboxSelectMultiple,
        error_messages=UNKNOWN_VALUE,
    )
    kind = django_filters.MultipleChoiceFilter(
        field_name="organisation__kind",
        choices=Organisation.Kind.choices,
        label="Who runs it",
        widget=forms.CheckboxSelectMultiple,
        error_messages=UNKNOWN_VALUE,
    )
    self_referral = django_filters.ChoiceFilter(
        choices=[("yes", "You can contact the service yourself")],
        method="filter_self_referral",
        label="Contact the service yourself",
        empty_label=None,
        error_messages=UNKNOWN_VALUE,
    )
    # One filter per vocabulary field with a search parameter (vocabularies.FILTERED).
    locals().update(
        {
            spec.param: TermFilter(spec.vocabulary, field_name=spec.name, label=spec.legend)
            for spec in vocabularies.FILTERED
        }
    )
    organisation = django_filters.ModelMultipleChoiceFilter(
        field_name="organisation__slug",
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        label="Organisation",
        error_messages=UNKNOWN_VALUE,
    )

    class Meta:
        model = Listing
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._all_areas = None
        self._index = None  # the facet index, fetched once per search
        self._matching_cache = None  # what each filter in force lets through
        self.form.fields["where"].areas = self.all_areas

    def all_areas(self):
        """Every area, fetched once per search (the where box and the area facet share it)."""
        if self._all_areas is None:
            self._all_areas = per_version.all_areas()
        return self._all_areas

    def chosen_areas(self):
        """The areas the visitor chose or typed: results are ordered by closeness to them."""
        data = self.form.cleaned_data
        where = data.get("where")
        return [*(where.areas if where else ()), *(data.get("area") or [])]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A query of stop words or symbols alone searches nothing and has no rank.
        text = "rank" in queryset.query.annotations
        chosen = self.chosen_areas()
        # Case-blind names, so both databases give the same order; pk breaks ties.
        order = [*(["-rank"] if text else []), Lower("name"), "pk"]
        if chosen:
            queryset = queryset.by_closeness(chosen)
            order.insert(1 if text else 0, "closeness")
        return queryset.order_by(*order)

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_area(self, queryset, name, value):
        return queryset.in_areas(value, self.all_areas()) if value else queryset

    def filter_self_referral(self, queryset, name, value):
        return queryset.filter(self_referral=True) if value == "yes" else queryset

    # --- The same filters over the in-memory index (facet_index) ------------------

    def index(self):
        if self._index is None:
            self._index = facet_index.current()
        return self._index

    def chosen(self, name):
        """The cleaned value of filter ``name``, a list for a filter of several choices;
        None when the search does not use it. (An unused choice filter's value is an empty
        QuerySet, which is slow to test for truth: the address says whether it was used.)"""
        if not self.data.get(name):
            return None
        value = self.form.cleaned_data.get(name)
        return list(value) if isinstance(value, (list, tuple, QuerySet)) else value

    def _matching(self):
        """{filter name: the listings it lets through}, for every filter in force, and
        the text search's rank of each listing it found (None without search words)."""
        if self._matching_cache is not None:
            return self._matching_cache
        index, found, ranks = self.index(), {}, None
        for name in self.form.cleaned_data:
            value = self.chosen(name)
            if not value:
                continue
            filter_ = self.filters[name]
            if name == "where":
                found[name] = 0 if value.outside_region else index.in_areas(value.areas)
            elif name == "q":
                text = facet_index.text_matches(index, self.queryset, value)
                if text is None:
                    continue  # nothing to search for: stop words or symbols
                found[name], ranks = text
            elif name == "area":
                found[name] = index.in_areas(value)
            elif name == "kind":
                found[name] = index.with_any(index.kinds, value)
            elif name == "self_referral":
                found[name] = index.self_referral
            elif name == "organisation":
                found[name] = index.with_any(index.organisations, [org.pk for org in value])
            elif isinstance(filter_, TermFilter):
                found[name] = index.with_any(index.terms, [term.pk for term in value])
            else:  # a filter added without saying how the index applies it
                raise NotImplementedError(f"The facet index cannot apply the {name} filter.")
        self._matching_cache = (found, ranks)
        return self._matching_cache

    def _matched(self, excluded=None):
        """The listings every filter in force lets through, except ``excluded``."""
        matched = self.index().everything
        for name, bits in self._matching()[0].items():
            if name != excluded:
                matched &= bits
        return matched

    def results(self):
        """The results in the search's order, counted and paged from the index."""
        found, ranks = self._matching()
        return facet_index.Results(
            self.index(),
            self._matched(),
            self.queryset.select_related("organisation"),
            ranks=ranks,
            chosen=self.chosen_areas(),
        )

    # --- What the page shows about the filters --------------------------------

    def facets(self):
        """Return each filter's options with the number of matching listings
        if that option were added to the other filters chosen.

        The counts are intersections in the facet index; every page of the same search
        (and every visitor) needs the same ones, so they are also cached under the site's
        cache version: any change to the directory is counted afresh.
        """
        timeout = settings.FACET_CACHE_SECONDS
        if not timeout:
            return self.count_facets()
        chosen = sorted((name, sorted(self.data.getlist(name))) for name in self.data)
        chosen = [(name, values) for name, values in chosen if name != "page"]
        digest = hashlib.sha256(json.dumps(chosen).encode()).hexdigest()
        key = f"directory:facets:{digest}"
        version, entry = current_version_and(key)
        if entry is not None and entry[0] == version:
            return entry[1]
        facets = self.count_facets()
        cache.set(key, (version, facets), timeout)
        return facets

    def count_facets(self):
        terms = per_version.all_terms()
        term_facets = [
            self._term_facet(spec.param, terms, self.chosen(spec.param) or [])
            for spec in vocabularies.FILTERED
        ]
        # Who it is for and how it is delivered come first: the questions most people ask.
        return [
            self._area_facet(self.chosen("area") or []),
            *term_facets[:FIRST_TERM_FACETS],
            self._kind_facet(self.chosen("kind") or []),
            self._self_referral_facet(self.chosen("self_referral")),
            *term_facets[FIRST_TERM_FACETS:],
        ]

    def _term_facet(self, name, terms, chosen):
        filter_ = self.filters[name]
        base, index = self._matched(name), self.index()
        chosen_slugs = {term.slug for term in chosen}
        options = [
            FacetOption(
                term.slug,
                term.name,
                (base & index.terms.get(term.pk, 0)).bit_count(),
                term.slug in chosen_slugs,
            )
            for term in terms
            if term.vocabulary == filter_.vocabulary
        ]
        return Facet(name, filter_.label, options)

    def _area_facet(self, chosen):
        areas = shown_areas(self.all_areas(), [*chosen, *self._where_areas()])
        base, index = self._matched("area"), self.index()
        chosen_slugs = {area.slug for area in chosen}
        options = [
            FacetOption(
                area.slug,
                area.name,
                (base & index.in_areas([area])).bit_count(),
                area.slug in chosen_slugs,
                depth=len(area.ancestors()),
            )
            for area in area_tree(areas)
        ]
        return Facet("area", "Area", options)

    def _where_areas(self):
        where = self.form.cleaned_data.get("where")
        return list(where.areas) if where else []

    def _kind_facet(self, chosen):
        base, index = self._matched("kind"), self.index()
        options = [
            FacetOption(
                value, label, (base & index.kinds.get(value, 0)).bit_count(), value in chosen
            )
            for value, label in Organisation.Kind.choices
        ]
        return Facet("kind", "Who runs it", options)

    def _self_referral_facet(self, chosen):
        count = (self._matched("self_referral") & self.index().self_referral).bit_count()
        return Facet(
            "self_referral",
            "Contact the service yourself",
            [FacetOption("yes", "You can contact the service yourself", count, chosen == "yes")],
        )


# The term facets shown before "Who runs it" (vocabularies.FILTERED's first ones).
FIRST_TERM_FACETS = 3

# Districts are many: the area filter lists them only inside a chosen county.
FACET_DEPTH = 2


def shown_areas(areas, chosen):
    """Return the areas the area filter offers: the region, police areas and
    councils, plus the districts of any chosen area's county (and the chosen)."""
    open_ids = {a.pk for area in chosen for a in area.lineage()}
    return [
        area
        for area in areas
        if len(area.ancestors()) <= FACET_DEPTH or area.parent_id in open_ids or area.pk in open_ids
    ]


def area_tree(areas):
    """Order areas as a tree: each area followed by the areas inside it."""
    children = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    ordered = []

    def visit(parent_id):
        for area in sorted(children.get(parent_id, []), key=lambda a: a.name):
            ordered.append(area)
            visit(area.pk)

    visit(None)
    return ordered


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    checked: bool
    depth: int = 0


@dataclass
class Facet:
    name: str
    legend: str
    options: list = field(default_factory=list)

    @property
    def any_checked(self):
        return any(option.checked for option in self.options)


def active_filters(filterset, params):
    """Return (label, address without it) for every filter value in force."""
    active = []
    for name in filterset.form.cleaned_data:
        value = filterset.chosen(name)
        if not value:
            continue
        if name == "q":
            active.append((f"Search: “{value}”", _without(params, name, None)))
        elif name == "where":
            active.append((f"Where: {value.label}", _without(params, name, None)))
        elif name == "kind":
            labels = dict(Organisation.Kind.choices)
            active.extend((labels[v], _without(params, name, v)) for v in value)
        elif name == "self_referral":
            active.append(("You can contact the service yourself", _without(params, name, value)))
        else:
            key = "slug"
            active.extend((str(obj), _without(params, name, getattr(obj, key))) for obj in value)
    return active


def _without(params, name, value):
    remaining = params.copy()
    remaining.pop("page", None)
    if value is None:
        remaining.pop(name, None)
    else:
        remaining.setlist(name, [v for v in remaining.getlist(name) if v != value])
    query = remaining.urlencode()
    return f"?{query}" if query else "?"
