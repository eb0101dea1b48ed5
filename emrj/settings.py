"""Settings for the East Midlands Restorative Justice directory.

Everything that differs between a laptop and production comes from environment
variables with safe defaults; the README has the table.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -----------------------------------------------------------------

DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY, or DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    # Django's admin with the directory's own site (emrj/admin_site.py).
    "emrj.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "csp",
    "django_filters",
    "simple_history",
    "axes",
    "directory",
    "openreferral",
    "sitecache",
    "pages",
    "hub",
    "outbox",
    "missedsearches",
]

MIDDLEWARE = [
    # Before everything, the page cache included: /healthz and /readyz for a load
    # balancer, never cached, redirected to HTTPS or given a cookie (emrj/health.py).
    "emrj.health.HealthCheckMiddleware",
    # Next, like a cache in front of the site: it keeps pages with every header the
    # rest add (security, CSP, …) and serves them without running any of it again.
    # See sitecache/middleware.py.
    "sitecache.middleware.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "emrj.middleware.PermissionsPolicyMiddleware",
    # Before anything reads the body (the CSRF check reads uploads whole), and after
    # the security headers, which its 413 page gets too (emrj/uploads.py).
    "emrj.uploads.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "emrj.urls"
WSGI_APPLICATION = "emrj.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "directory.navigation.main_menu",
                "pages.context_processors.footer_pages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# DATABASE_URL selects PostgreSQL in production; SQLite in the project folder
# needs no setup at all.

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A database that is down or hung must cost a request seconds, not a worker for ever:
# give up connecting after DJANGO_DB_CONNECT_TIMEOUT seconds, and let PostgreSQL cancel
# any statement (or wait for a lock) longer than DJANGO_DB_STATEMENT_TIMEOUT ms. The
# request then gets the friendly 503 page (emrj/errors.py).
DB_CONNECT_TIMEOUT = int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "5"))
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DJANGO_DB_STATEMENT_TIMEOUT", "10000"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": DB_CONNECT_TIMEOUT,
            "options": (
                f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
                f" -c lock_timeout={DB_STATEMENT_TIMEOUT_MS}"
            ),
            # Notice a peer that vanished without closing the connection.
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait this long for another process's write lock before "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", DB_CONNECT_TIMEOUT)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
# Local memory by default (one process); REDIS_URL shares one cache between all
# processes and app servers, which running more than one of them needs: the page
# cache's version number and the problem-report rate limits live here.
# gunicorn.conf.py refuses to start several workers with a local-memory cache.
# If Redis fails or hangs the site carries on without it (sitecache/backends.py):
# each call waits at most DJANGO_REDIS_TIMEOUT_SECONDS, and after a failure each
# process leaves Redis alone for DJANGO_REDIS_RETRY_SECONDS.

if os.environ.get("REDIS_URL"):
    REDIS_TIMEOUT_SECONDS = float(os.environ.get("DJANGO_REDIS_TIMEOUT_SECONDS", "0.5"))
    CACHES = {
        "default": {
            "BACKEND": "sitecache.backends.FailSoftRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "emrj"),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
                "RETRY_SECONDS": float(os.environ.get("DJANGO_REDIS_RETRY_SECONDS", "2")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# How long anonymous visitors' public pages stay cached; 0 turns the cache off.
# Any change to what they show is seen at once whatever this is (sitecache.version).
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))
# How long the search page's facet counts stay cached (any change recounts them).
FACET_CACHE_SECONDS = int(os.environ.get("DJANGO_FACET_CACHE_SECONDS", "600"))
# Paths never cached, whoever asks (static files are WhiteNoise's).
PUBLIC_PAGE_CACHE_EXEMPT = ("/admin/", "/accounts/", "/static/")

# --- Accounts and passwords --------------------------------------------------
# django-axes locks a username for 15 minutes after 5 failed sign-ins, without
# locking anyone else out.

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Locking by username alone is deliberate: staff and providers often share an
# office network, and one person's typos must not lock out their colleagues.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# An invitation link stays valid for a week, then staff send another.
PASSWORD_RESET_TIMEOUT = 7 * 24 * 60 * 60
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
# WhiteNoise serves compressed files with hashed names, so nothing is fetched
# from a CDN or any other host.

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (briefing documents). They are never served from MEDIA_URL: the
# site hands each one out through a view, and only while its briefing is public
# (hub/views.py). Back this folder up with the database (README, "Backing up").
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "DJANGO_STATICFILES_STORAGE",
            "emrj.storage.StaticFilesStorage",
        )
    },
}

# --- Security ---------------------------------------------------------------
# Some visitors share a device with the person who harmed them, so the site
# leaves as few traces as it can: no cookies on public pages, nothing loaded
# from other hosts, and the referrer never leaves the site.

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# The CSRF cookie (set only on pages with a form) goes when the browser closes,
# rather than staying on a shared device for a year.
CSRF_COOKIE_AGE = None

if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# How many proxies (load balancer, CDN) in front of the site append to
# X-Forwarded-For; the problem-report rate limits read the visitor's address through
# them (directory/reports.py). 0: use the connection's own address.
TRUSTED_PROXIES = os.environ.get("DJANGO_TRUSTED_PROXIES", "0").strip()
if not TRUSTED_PROXIES.isdigit():
    # A negative count would read an entry the visitor wrote: refuse it plainly.
    raise ImproperlyConfigured(
        f"DJANGO_TRUSTED_PROXIES must be a whole number, 0 or more, not {TRUSTED_PROXIES!r}."
    )
TRUSTED_PROXIES = int(TRUSTED_PROXIES)

# Secure cookies are only sent over HTTPS, so the test suite and local browser
# tests (plain HTTP) turn them off with DJANGO_SECURE_COOKIES=0. The __Host-
# prefix makes the browser refuse a cookie that is not Secure, has a Domain, or
# has a Path other than "/" (Django's defaults already give path "/" and no
# domain), so a neighbouring subdomain cannot plant or overwrite them.
SECURE_COOKIES = env_flag("DJANGO_SECURE_COOKIES", not DEBUG)
if SECURE_COOKIES:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp 4). Everything comes from this site: no
# inline scripts or style="" attributes, no eval. If an inline script ever
# becomes unavoidable, allow it by its sha256 hash, never by nonce: a cached
# page would hand every visitor the same nonce.
# JSON-LD (<script type="application/ld+json">, planned for the open-data
# work) is data that browsers never execute, so it needs no allowance here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Features no page here needs; the browser refuses them to any script.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# --- Email ------------------------------------------------------------------

# The console backend prints emails locally; production sets DJANGO_EMAIL_BACKEND to
# django.core.mail.backends.smtp.EmailBackend and the server below. A mail server that
# is down or hung costs at most EMAIL_TIMEOUT seconds: the email waits in the outbox
# and is sent again later (outbox/, manage.py send_queued_email).
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("DJANGO_EMAIL_USE_TLS")
EMAIL_USE_SSL = env_flag("DJANGO_EMAIL_USE_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set DJANGO_EMAIL_USE_TLS or DJANGO_EMAIL_USE_SSL, not both.")
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "directory@localhost")

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- The directory ----------------------------------------------------------

DIRECTORY_PAGE_SIZE = 20
# The site's public address, for links in emails (invitations, reminders).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Reverts go through our own view, which also restores many-to-many fields.
SIMPLE_HISTORY_REVERT_DISABLED = True
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
