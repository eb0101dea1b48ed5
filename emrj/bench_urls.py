"""The site's URLs plus the benchmark's baseline: a trivial page that touches no database."""

from django.http import HttpResponse
from django.urls import path

from .urls import urlpatterns as site_urlpatterns


def baseline(request):
    return HttpResponse(
        "<!DOCTYPE html><html lang=en><title>Baseline</title><p>Baseline.</p></html>",
        content_type="text/html; charset=utf-8",
    )


urlpatterns = [path("bench/baseline/", baseline), *site_urlpatterns]
