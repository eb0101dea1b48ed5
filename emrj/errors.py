"""The site's handler500: a database outage gets a calm 503 page, anything else the 500 page.

Django calls this from inside the ``except`` block that caught the exception, wherever it
was raised (a view, a template, a middleware such as sessions or auth, or the 404 page
itself), so ``sys.exc_info()`` says what went wrong. A database that is down, hung or too
slow (its connect_timeout, statement_timeout or lock_timeout ran out: see DATABASES in
emrj/settings.py) is not a bug in the page: the visitor is told to come back in a few
minutes, with ``Retry-After`` for browsers, crawlers and the load balancer.

Neither page may touch the database, which may be the very thing that failed: both
templates are rendered without a request, so no context processor (the footer's pages
come from the database) runs. Under /api/ the answer is JSON, in the Open Referral API's
own error shape ``{"message": ...}``.
"""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

# "A few minutes": long enough for a database restart or failover.
RETRY_AFTER_SECONDS = 120
API_PREFIX = "/api/"

OUTAGE_MESSAGE = "The directory is having trouble at the moment. Please try again in a few minutes."
ERROR_MESSAGE = "Sorry, there is a problem with the service. Please try again later."

# Only failures of the database itself: it refused or dropped the connection, timed out,
# or cancelled a statement (psycopg2 raises QueryCanceled and LockNotAvailable as
# OperationalError). A bare DatabaseError is what a lost connection can surface as. Its
# other subclasses (IntegrityError, ProgrammingError, DataError, …) are bugs and stay 500s.
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def is_database_outage(exception):
    """Return whether ``exception``, or an exception it was raised from, is a database outage."""
    while exception is not None:
        if isinstance(exception, OUTAGE_ERRORS) or type(exception) is DatabaseError:
            return True
        exception = exception.__cause__
    return False


def server_error(request):
    """Answer an unhandled exception: 503 for a database outage, 500 for anything else."""
    outage = is_database_outage(sys.exc_info()[1])
    status = 503 if outage else 500
    if request.path_info.startswith(API_PREFIX):
        response = JsonResponse(
            {"message": OUTAGE_MESSAGE if outage else ERROR_MESSAGE}, status=status
        )
        response["Access-Control-Allow-Origin"] = "*"
    else:
        response = HttpResponse(_page(f"{status}.html"), status=status)
    if outage:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Not even a CDN in front of the site may keep an error in place of the page.
    add_never_cache_headers(response)
    return response


def _page(template_name):
    try:
        return loader.get_template(template_name).render()
    except Exception:
        # An error page that fails would be handled again by every middleware in turn,
        # then end as the server's bare 500: say the one thing that matters instead.
        logger.exception("Could not render %s", template_name)
        return (
            "<!DOCTYPE html><title>Sorry, the directory is having trouble</title>"
            "<p>Sorry, the directory is having trouble. Please try again in a few minutes.</p>"
            "<p><strong>If you are in danger now, call 999.</strong></p>"
        )
