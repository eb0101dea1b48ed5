"""The knowledge hub's sections of the sitemap: only what is live, never a draft or
an item still waiting for its publish time."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Briefing, Event, NewsItem


class HubSitemap(Sitemap):
    url_names = ["hub:index", "hub:news-list", "hub:briefing-list", "hub:event-list"]

    def items(self):
        return self.url_names

    def location(self, url_name):
        return reverse(url_name)


class _LiveSitemap(Sitemap):
    model = None

    def items(self):
        return self.model.objects.live().only("slug", "updated", "publish_at")

    def lastmod(self, item):
        return max(item.updated, item.publish_at)


class NewsSitemap(_LiveSitemap):
    model = NewsItem


class BriefingSitemap(_LiveSitemap):
    model = Briefing


class EventSitemap(_LiveSitemap):
    model = Event
