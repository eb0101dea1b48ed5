from .models import Page


def footer_pages(request):
    """Make the footer's links available to every template, fetched only if used."""
    return {"footer_pages": Page.objects.in_footer().only("title", "slug")}
