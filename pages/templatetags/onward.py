"""The "Help from national services" block: {% load onward %}{% onward_routes %}."""

from django import template

from ..models import OnwardRoute

register = template.Library()

DEFAULT_HEADING = "Help from national services"


@register.inclusion_tag("includes/onward_routes.html")
def onward_routes(heading=DEFAULT_HEADING, level=2):
    """Render the national routes onward that staff have chosen to show, in their order.

    ``level`` is the heading's level (2 to 4), so the block fits under the page's own
    headings. Renders nothing when no route is shown.
    """
    level = min(max(int(level), 2), 4)
    return {"heading": heading, "level": level, "routes": list(OnwardRoute.objects.shown())}
