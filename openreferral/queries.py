"""What the API publishes, fetched in a fixed number of queries whatever the page size."""

from django.db.models import Exists, OuterRef

from directory import vocabularies
from directory.models import Listing, Organisation, Term

from . import params
from .ids import taxonomy_id

# Each taxonomy's id and the vocabulary it publishes.
TAXONOMIES = {taxonomy_id(v.key): v for v in vocabularies.VOCABULARIES}
# The listing field a taxonomy filter matches: the first field of each vocabulary.
# The offence types a service takes on, that is, never the ones it does not take on:
# a search for services dealing with burglary must not find those that exclude it.
FILTER_FIELDS = {spec.vocabulary: spec.name for spec in reversed(vocabularies.TERM_FIELDS)}


def services():
    """Published listings with what a service summary shows."""
    return Listing.objects.published().select_related("organisation").with_age_range()


def full_services():
    return services().prefetch_related("areas", *vocabularies.FIELD_NAMES)


def with_locations(queryset):
    """Only the listings visitors can go to: those with a public address."""
    return queryset.exclude(address__regex=r"^\s*$")


def published_organisations():
    """Organisations with at least one published listing."""
    return Organisation.objects.filter(
        Exists(Listing.objects.published().filter(organisation=OuterRef("pk")))
    ).order_by("name", "pk")


def filter_services(queryset, query):
    """Apply the /services parameters in ``query`` (a QueryDict), combined with AND."""
    if term_id := params.identifier(query, "taxonomy_term_id"):
        term = Term.objects.filter(uuid=term_id).first()
        if term is None or term.vocabulary not in FILTER_FIELDS:
            return queryset.none()
        queryset = queryset.with_related(FILTER_FIELDS[term.vocabulary], [term])
    if vocabulary_id := params.identifier(query, "taxonomy_id"):
        vocabulary = TAXONOMIES[vocabulary_id].key if vocabulary_id in TAXONOMIES else None
        if vocabulary not in FILTER_FIELDS:
            return queryset.none()
        queryset = queryset.with_related(
            FILTER_FIELDS[vocabulary], Term.objects.filter(vocabulary=vocabulary)
        )
    if organisation_id := params.identifier(query, "organization_id"):
        queryset = queryset.filter(organisation__uuid=organisation_id)
    if (since := params.moment(query, "modified_after")) is not None:
        queryset = queryset.filter(updated__gte=since)
    # As the standard words them: services whose minimum age is at least the value,
    # and whose maximum age is at most the value (so no upper limit never matches).
    if (minimum := params.age(query, "minimum_age")) is not None:
        queryset = queryset.filter(minimum_age__gte=minimum)
    if (maximum := params.age(query, "maximum_age")) is not None:
        queryset = queryset.filter(maximum_age__lte=maximum)
    if search := params.text(query, "search"):
        queryset = queryset.search(search)
    # Best match first when the search had words to rank by; stable order for paging.
    if "rank" in queryset.query.annotations:
        return queryset.order_by("-rank", "name", "pk")
    return queryset.order_by("name", "pk")
