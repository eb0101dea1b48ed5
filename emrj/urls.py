from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

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

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts_urlpatterns)),
    path("", include("directory.urls")),
    path("", include("pages.urls")),
]
