from django.urls import path

from sitecache.schedule import changes_with_the_clock as clock

from . import calendar, feeds, views

# Every hub page changes with the clock (scheduled items appear, events become past),
# so the page cache keeps none of them past the next such moment.

app_name = "hub"
urlpatterns = [
    path("knowledge-hub/", clock(views.index), name="index"),
    path("knowledge-hub/feed/", clock(feeds.HubFeed()), name="feed"),
    path("knowledge-hub/news/", clock(views.news_list), name="news-list"),
    path("knowledge-hub/news/<slug:slug>/", clock(views.news_detail), name="news-detail"),
    path("knowledge-hub/briefings/", clock(views.briefing_list), name="briefing-list"),
    path(
        "knowledge-hub/briefings/<slug:slug>/", clock(views.briefing_detail), name="briefing-detail"
    ),
    path(
        "knowledge-hub/briefings/<slug:slug>/document/",
        clock(views.briefing_document),
        name="briefing-document",
    ),
    path("knowledge-hub/events/", clock(views.event_list), name="event-list"),
    path(
        "knowledge-hub/events/upcoming.ics", clock(calendar.upcoming_events), name="events-calendar"
    ),
    path("knowledge-hub/events/<slug:slug>/", clock(views.event_detail), name="event-detail"),
    path(
        "knowledge-hub/events/<slug:slug>/event.ics",
        clock(calendar.one_event),
        name="event-calendar",
    ),
]
