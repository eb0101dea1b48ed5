"""What the home page shows of the knowledge hub: the latest news and the next event."""

from django.utils import timezone

from .models import Event, NewsItem

HOME_NEWS = 2


def for_home_page(now=None):
    now = now or timezone.now()
    return {
        "latest_news": list(NewsItem.objects.live(now)[:HOME_NEWS]),
        "next_event": Event.objects.upcoming(now).first(),
    }
