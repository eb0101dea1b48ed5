from django.urls import path

from . import calendar, feeds, views

app_name = "hub"
urlpatterns = [
    path("knowledge-hub/", views.index, name="index"),
    path("knowledge-hub/feed/", feeds.HubFeed(), name="feed"),
    path("knowledge-hub/news/", views.news_list, name="news-list"),
    path("knowledge-hub/news/<slug:slug>/", views.news_detail, name="news-detail"),
    path("knowledge-hub/briefings/", views.briefing_list, name="briefing-list"),
    path("knowledge-hub/briefings/<slug:slug>/", views.briefing_detail, name="briefing-detail"),
    path(
        "knowledge-hub/briefings/<slug:slug>/document/",
        views.briefing_document,
        name="briefing-document",
    ),
    path("knowledge-hub/events/", views.event_list, name="event-list"),
    path("knowledge-hub/events/upcoming.ics", calendar.upcoming_events, name="events-calendar"),
    path("knowledge-hub/events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("knowledge-hub/events/<slug:slug>/event.ics", calendar.one_event, name="event-calendar"),
]
