"""The information pages' section of the sitemap."""

from django.contrib.sitemaps import Sitemap

from .models import Page


class PageSitemap(Sitemap):
    """Every published information page."""

    def items(self):
        return Page.objects.published().only("slug", "updated")

    def lastmod(self, page):
        return page.updated
