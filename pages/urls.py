from django.urls import path

from . import views

app_name = "pages"
urlpatterns = [
    path("information/", views.page_list, name="page-list"),
    path("information/<slug:slug>/", views.page_detail, name="page-detail"),
]
