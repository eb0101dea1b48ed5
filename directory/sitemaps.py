"""The sitemap's sections: every public page a search engine should know about.

Built from the request's address (RequestSite), as the site framework is not installed.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Area, Listing


class ViewSitemap(Sitemap):
    """The pages every visitor starts from: home, search, the two indexes and the map."""

    url_names = [
        "directory:home",
        "directory:search",
        "directory:area-list",
        "directory:area-map",
        "pages:page-list",
    ]

    def items(self):
        return self.url_names

    def location(self, url_name):
        return reverse(url_name)


class ListingSitemap(Sitemap):
    """Every published listing; drafts and archived listings are not public."""

    def items(self):
        return Listing.objects.published().only("slug", "updated")

    def lastmod(self, listing):
        return listing.updated


class AreaSitemap(Sitemap):
    def items(self):
        return Area.objects.only("slug")
