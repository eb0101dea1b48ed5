"""Areas and vocabulary terms that listings use cannot be deleted.

Deleting one would silently strip it from every listing that names it, with no
trace in the listings' history. A pre_delete signal refuses it however the delete
comes (the admin, ``QuerySet.delete()``, the shell); the admin asks first
(``in_use_problem``) so staff get a plain message instead of an error page.
Unused areas and terms can still be deleted.
"""

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, ProtectedError
from django.db.models.signals import pre_delete

from . import vocabularies
from .models import Area, Listing, Term

# How many of the listings that use something a message names.
NAMED_UP_TO = 3


def listings_using(obj):
    """Return every listing (drafts and archived ones too) that uses area or term ``obj``."""
    fields = ["areas"] if isinstance(obj, Area) else vocabularies.FIELD_NAMES
    uses = []
    for name in fields:
        relation = Listing._meta.get_field(name)
        links = relation.remote_field.through.objects.filter(
            **{relation.m2m_field_name(): OuterRef("pk")},
            **{relation.m2m_reverse_field_name(): obj.pk},
        )
        uses.append(Exists(links))
    return Listing.objects.filter(reduce(or_, uses)).order_by("name")


def in_use_problem(obj):
    """Why ``obj`` (an area or a term) cannot be deleted, in plain words, or None."""
    listings = listings_using(obj)
    count = listings.count()
    problems = []
    if count:
        names = ", ".join(
            f"“{name}”" for name in listings.values_list("name", flat=True)[:NAMED_UP_TO]
        )
        more = f" and {count - NAMED_UP_TO} more" if count > NAMED_UP_TO else ""
        problems.append(
            f"“{obj}” is used by {count} listing{'s' if count != 1 else ''} ({names}{more}): "
            "remove it from them first."
        )
    if isinstance(obj, Area):
        inside = obj.children.count()
        if inside:
            them = "them" if inside != 1 else "it"
            problems.append(
                f"“{obj}” has {inside} area{'s' if inside != 1 else ''} inside it: "
                f"move or delete {them} first."
            )
    return " ".join(problems) or None


def refuse_deleting_used(sender, instance, **kwargs):
    listings = listings_using(instance)
    if listings.exists():
        raise ProtectedError(in_use_problem(instance), set(listings))


for model in (Area, Term):
    pre_delete.connect(
        refuse_deleting_used, sender=model, dispatch_uid=f"protect-used-{model.__name__}"
    )
