"""What the results for a place say about coverage there.

Someone in Charnwood can use a service for Charnwood, for Leicestershire, for
Leicester, Leicestershire and Rutland, or for the whole region; someone who
chose a whole police area can also use a service for only part of it, which
is marked as such ("Covers only Leicester"). A place whose only services are
region-wide has no local service, and the page says so.
"""

from .models import Area, descendant_ids
from .where import and_list


def _around(chosen):
    return {a.pk for area in chosen for a in area.lineage()}


def mark_partial(listings, chosen, all_areas):
    """Set ``covers_only`` on each listing that covers only part of the chosen areas:
    the names of the areas inside them that it covers (empty when it covers all)."""
    around = _around(chosen)
    inside = descendant_ids(chosen, all_areas)
    for listing in listings:
        covered = list(listing.areas.all())
        if any(area.pk in around for area in covered):
            listing.covers_only = []
        else:
            listing.covers_only = sorted(area.name for area in covered if area.pk in inside)


def local_area_ids(chosen, all_areas):
    """The areas a service must be for to be local to the chosen ones: any of them, an
    area around them short of the whole region, or an area inside them."""
    return {
        a.pk for area in chosen for a in area.lineage() if a.kind != Area.Kind.REGION
    } | descendant_ids(chosen, all_areas)


def no_local_service(results, chosen, all_areas):
    """True when no result is for the chosen place itself: only region-wide ones, or none."""
    return not results.with_related("areas", local_area_ids(chosen, all_areas)).exists()


def place_name(chosen):
    """Name the chosen areas in a phrase: "Lincolnshire", "Broxtowe and Nottingham"."""
    return and_list(list(dict.fromkeys(area.name for area in chosen)))
