"""What search engines and link previews read in a page's <head>."""

from django import template

from ..structured_data import json_ld_script, listing_service

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """Return the page's own absolute address, or "" when it should not have one.

    Query parameters are dropped (tracking tags, stray filters), except the page number
    of a list: page 2 is a different page, not a copy of page 1. A page that says it
    is not for indexing (``noindex``, such as a search with filters) or shows an error
    has no canonical address.
    """
    request = context.get("request")
    if request is None or context.get("noindex") or context.get("errors"):
        return ""
    url = request.build_absolute_uri(request.path)
    page = context.get("page_obj")
    if page is not None and page.number > 1:
        url += f"?page={page.number}"
    return url


@register.simple_tag(takes_context=True)
def listing_json_ld(context, listing):
    """Return the schema.org description of ``listing`` as a JSON-LD script element."""
    url = context["request"].build_absolute_uri(listing.get_absolute_url())
    return json_ld_script(listing_service(listing, url=url))
