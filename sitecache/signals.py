"""Bump the cache version on every change to what the public pages show.

Saves and deletes through the ORM (admin edits, reverts, imports, loaddata) arrive
here as signals. Bulk writes that send none (bulk_create, queryset.update()) must
call bump_version() themselves, as generate_listings does.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from directory import vocabularies
from directory.models import Area, Listing, Organisation, SearchSynonym, Term
from hub.models import Briefing, Event, NewsItem
from pages.models import OnwardRoute, Page

from .version import bump_version

PUBLIC_MODELS = [
    *[Listing, Organisation, Area, Term, Page, SearchSynonym, OnwardRoute],
    *[NewsItem, Briefing, Event],
]
LISTING_RELATIONS = vocabularies.RELATIONS


def changed(sender, **kwargs):
    bump_version()


def relation_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump_version()


def connect():
    for model in PUBLIC_MODELS:
        post_save.connect(changed, sender=model, dispatch_uid=f"sitecache-save-{model.__name__}")
        post_delete.connect(
            changed, sender=model, dispatch_uid=f"sitecache-delete-{model.__name__}"
        )
    for name in LISTING_RELATIONS:
        through = Listing._meta.get_field(name).remote_field.through
        m2m_changed.connect(relation_changed, sender=through, dispatch_uid=f"sitecache-m2m-{name}")
