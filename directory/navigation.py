"""The site's main menu, available to every template."""

from django.urls import reverse

MENU = [
    ("Find a service", "directory:search", None),
    ("Areas", "directory:area-list", None),
    ("What is restorative justice?", "pages:page-detail", "what-is-restorative-justice"),
    ("Is it right for me?", "pages:page-detail", "is-it-right-for-me"),
    ("For professionals", "pages:page-detail", "for-professionals"),
    ("Knowledge hub", "hub:index", None),
]


def main_menu(request):
    """Return the menu items, marking the one the visitor is in."""
    items = []
    for label, url_name, slug in MENU:
        href = reverse(url_name, kwargs={"slug": slug} if slug else None)
        items.append({"label": label, "href": href, "active": request.path.startswith(href)})
    return {"main_menu": items}
