"""Pages the site links to must not disappear by accident.

The main menu (and the home and search pages) link to some pages by their web
address (directory/navigation.py): those stay published, at that address. A page
in the footer is unpublished only together with taking it out of the footer, so
that a privacy notice or accessibility statement never vanishes by one mistaken
click. No page is ever deleted: unpublishing hides it and can be undone.
"""

from directory.navigation import MENU


def menu_slugs():
    """Return the web addresses of the pages the main menu links to."""
    return {slug for _label, _url_name, slug in MENU if slug}


def is_in_menu(page):
    return page.slug in menu_slugs()


def unpublish_problem(page, *, published, show_in_footer):
    """Why ``page`` (as stored) cannot be saved with ``published`` and
    ``show_in_footer``, in plain words, or None."""
    if published or page.pk is None:
        return None
    if is_in_menu(page):
        return (
            f"“{page}” is in the site's main menu, so it must stay published. "
            "Change its text instead."
        )
    if show_in_footer:
        return (
            f"“{page}” is linked from the footer of every page. If you really mean to take it "
            "off the site, untick “Show in footer” as well."
        )
    return None


def slug_change_problem(page, new_slug):
    """Why ``page`` (as stored) cannot move to web address ``new_slug``, or None."""
    if page.pk is None or new_slug == page.slug or not is_in_menu(page):
        return None
    return (
        f"“{page}” is in the site's main menu, which links to /information/{page.slug}/: "
        "its web address cannot change."
    )
