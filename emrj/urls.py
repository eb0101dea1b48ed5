from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from directory.sitemaps import AreaSitemap, ListingSitemap, ViewSitemap
from directory.views import robots_txt
from hub.sitemaps import BriefingSitemap, EventSitemap, HubSitemap, NewsSitemap
from pages.sitemaps import PageSitemap
from sitecache.schedule import changes_with_the_clock

# Only the second half of Django's password reset: the one-time link in an
# invitation email. There is deliberately no public form to request a link,
# and no sign-up; forum staff send invitations.
accounts_urlpatterns = [
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(title="Choose your password"),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(title="Your password is set"),
        name="password_reset_complete",
    ),
]

sitemaps = {
    "main": ViewSitemap,
    "listings": ListingSitemap,
    "areas": AreaSitemap,
    "information": PageSitemap,
    "hub": HubSitemap,
    "news": NewsSitemap,
    "briefings": BriefingSitemap,
    "events": EventSitemap,
}

urlpatterns = [
    path("robots.txt", robots_txt, name="robots-txt"),
    # The sitemap lists hub items, which appear at their publish time.
    path("sitemap.xml", changes_with_the_clock(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    # The admin's "view on site" address (admin/r/…) is the admin site's own, checked
    # version: emrj/admin_site.py.
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts_urlpatterns)),
    path("api/openreferral/", include("openreferral.urls")),
    path("", include("directory.urls")),
    path("", include("pages.urls")),
    path("", include("hub.urls")),
]

# A database outage gets a calm 503 page instead of the 500 page (emrj/errors.py).
handler500 = "emrj.errors.server_error"
