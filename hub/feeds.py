"""An Atom feed of the hub's news and briefings (Django's syndication framework)."""

from heapq import merge
from itertools import islice

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from .models import Briefing, NewsItem

ITEMS = 20


class HubFeed(Feed):
    feed_type = Atom1Feed
    title = "East Midlands Restorative Justice Forum: news and briefings"
    subtitle = "News from the forum and each new issue of the EMRJ Briefing Series."
    author_name = "East Midlands Restorative Justice Forum"

    def link(self):
        return reverse("hub:index")

    def feed_url(self):
        return reverse("hub:feed")

    def items(self):
        now = timezone.now()
        newest_first = [
            NewsItem.objects.live(now).order_by("-publish_at")[:ITEMS],
            Briefing.objects.live(now).order_by("-publish_at")[:ITEMS],
        ]
        merged = merge(*newest_first, key=lambda item: item.publish_at, reverse=True)
        return list(islice(merged, ITEMS))

    def item_title(self, item):
        return str(item)

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.updated, item.publish_at)

    def item_categories(self, item):
        return ["Briefing Series"] if isinstance(item, Briefing) else ["News"]

    def item_guid(self, item):
        # Stable across renamed web addresses, and unique across the two kinds.
        return f"tag:emrj,2026:{item._meta.model_name}-{item.pk}"

    item_guid_is_permalink = False
