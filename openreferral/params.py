"""Read the API's query parameters; a bad one raises ApiError with a message for the caller."""

import math
import uuid
from datetime import UTC, datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_SEARCH_LENGTH = 200
MAX_AGE = 150
MAX_DIGITS = 18


class ApiError(Exception):
    """A request the API cannot answer: sent to the caller as JSON with ``status``."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def bad(message):
    return ApiError(400, message)


def text(params, name, max_length=MAX_SEARCH_LENGTH):
    value = params.get(name, "").strip()
    if "\x00" in value:
        raise bad(f"'{name}' must not contain NUL characters.")
    if len(value) > max_length:
        raise bad(f"'{name}' must be at most {max_length} characters.")
    return value


def whole_number(params, name, default, minimum=1):
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()):
        raise bad(f"'{name}' must be a whole number of at least {minimum}, not '{raw[:40]}'.")
    if len(raw) > MAX_DIGITS:
        raise bad(f"'{name}' is too large.")
    value = int(raw)
    if value < minimum:
        raise bad(f"'{name}' must be at least {minimum}.")
    return value


def page_and_size(params):
    """Return (page number, items per page); per_page above the cap is capped, not refused."""
    page = whole_number(params, "page", 1)
    per_page = min(whole_number(params, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    return page, per_page


def identifier(params, name):
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise bad(f"'{name}' must be an id (a UUID), not '{raw[:40]}'.") from None


def age(params, name):
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (0 <= value <= MAX_AGE):
        raise bad(f"'{name}' must be an age in years between 0 and {MAX_AGE}, not '{raw[:40]}'.")
    return value


def moment(params, name):
    """A date-time (ISO 8601; a date means its start, London time), or None."""
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
        if value is None and (day := parse_date(raw)):
            value = datetime.combine(day, time.min)
    except ValueError:
        value = None
    if value is None:
        raise bad(
            f"'{name}' must be a date or date-time such as 2026-11-01 or "
            f"2026-11-01T09:00:00Z, not '{raw[:40]}'."
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        # The database compares in UTC, and a moment such as 9999-12-31T23:59:59-01:00
        # is past the last one a date-time can hold once it is moved there.
        value.astimezone(UTC)
    except OverflowError:
        raise bad(
            f"'{name}' must be a date-time between the years 1 and 9999 in UTC, not '{raw[:40]}'."
        ) from None
    return value
