from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.search, name="search"),
    path("services/download.csv", views.download_csv, name="download-csv"),
    path("services/<slug:slug>/", views.listing_detail, name="listing-detail"),
    path("services/<slug:slug>/report/", views.report_problem, name="report-problem"),
    path(
        "services/<slug:slug>/report/sent/",
        views.report_problem_sent,
        name="report-problem-sent",
    ),
    path("areas/", views.area_list, name="area-list"),
    path("areas/map/", views.area_map, name="area-map"),
    path("areas/<slug:slug>/", views.area_detail, name="area-detail"),
]
