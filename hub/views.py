"""The knowledge hub's public pages. Only what is live (published, and its publish
time has come) is ever shown: a draft or a scheduled item is a 404 to the public."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from directory.views import BadPage, paginate

from .models import Briefing, Event, NewsItem

LATEST = 3


def index(request):
    now = timezone.now()
    return render(
        request,
        "hub/index.html",
        {
            "news": NewsItem.objects.live(now)[:LATEST],
            "briefings": Briefing.objects.live(now)[:LATEST],
            "events": Event.objects.upcoming(now)[:LATEST],
            "has_past_events": Event.objects.past(now).exists(),
        },
    )


def _list(request, template, queryset, **context):
    try:
        context["page_obj"] = paginate(request, queryset)
    except BadPage as bad:
        return render(request, template, {**context, "page_error": bad.message}, status=bad.status)
    return render(request, template, context)


def news_list(request):
    return _list(request, "hub/news_list.html", NewsItem.objects.live())


def news_detail(request, slug):
    item = get_object_or_404(NewsItem.objects.live(), slug=slug)
    return render(request, "hub/news_detail.html", {"item": item})


def briefing_list(request):
    return _list(request, "hub/briefing_list.html", Briefing.objects.live())


def briefing_detail(request, slug):
    briefing = get_object_or_404(Briefing.objects.live(), slug=slug)
    return render(request, "hub/briefing_detail.html", {"item": briefing})


def briefing_document(request, slug):
    """The briefing's attached document, while the briefing is public, and only then:
    uploads are never served straight from the media folder."""
    briefing = get_object_or_404(Briefing.objects.live(), slug=slug)
    if not briefing.document:
        raise Http404("This briefing has no document.")
    try:
        handle = briefing.document.open("rb")
    except OSError:
        raise Http404("The document is missing.") from None
    extension = briefing.document.name.rsplit(".", 1)[-1].lower()
    return FileResponse(
        handle,
        as_attachment=extension != "pdf",
        filename=f"emrj-briefing-{briefing.number}-{briefing.slug}.{extension}",
    )


def event_list(request):
    now = timezone.now()
    return _list(
        request,
        "hub/event_list.html",
        Event.objects.past(now),
        upcoming=Event.objects.upcoming(now),
    )


def event_detail(request, slug):
    event = get_object_or_404(Event.objects.live(), slug=slug)
    return render(request, "hub/event_detail.html", {"item": event, "is_past": event.is_past()})
