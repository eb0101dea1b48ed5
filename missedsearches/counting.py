"""Counting a search that found nothing (see models.py for what is and is not kept)."""

import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from directory.search import normalise_phrase
from directory.where import FULL_POSTCODE

from .models import MissedSearch

EMAIL = re.compile(r"\S+@\S+")
# A postcode anywhere in the words ("LE11 3TU", "le113tu"), or its outward code and
# sector ("LE11 3", "LE11 3T"): only the outward code (the district) stays.
_OUTWARD = r"\b([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)"
POSTCODE_IN_TEXT = re.compile(rf"{_OUTWARD}(?:\s*[0-9][A-Za-z]{{2}}|\s+[0-9][A-Za-z]?)\b")
# Four or more digits in a row, with any digit groups written next to them: a phone
# number ("0116 255 1234"), a date of birth, a case number. "16 18" (ages) stays.
DIGITS = re.compile(r"(?:\d+[\s-])*\d{4,}(?:[\s-]\d+)*")


def scrub_words(text):
    """The search words with anything that could identify someone taken out."""
    text = EMAIL.sub(" ", text or "")
    text = POSTCODE_IN_TEXT.sub(lambda found: f" {found.group(1)} ", text)
    text = DIGITS.sub(" ", text)
    return normalise_phrase(text)[:100].strip()


def scrub_place(text):
    """The place as a name or postcode district: never more of a postcode than that."""
    found = FULL_POSTCODE.match(text or "") or POSTCODE_IN_TEXT.match((text or "").strip())
    if found:
        return found.group(1).upper()
    return " ".join((text or "").split())[:100]


def record(*, words="", place="", filters=""):
    """Count one search that found nothing, today. Return whether it was counted:
    not if nothing was left once scrubbed."""
    typed = bool((words or "").strip())
    words, place = scrub_words(words), scrub_place(place)
    filters = filters[:200]
    if not (words or place) and (typed or not filters):
        # Words that were all taken out would leave a count of a different search.
        return False
    key = {"day": timezone.localdate(), "words": words, "place": place, "filters": filters}
    for _attempt in range(2):
        if MissedSearch.objects.filter(**key).update(count=F("count") + 1):
            return True
        try:
            with transaction.atomic():
                MissedSearch.objects.create(**key, count=1)
            return True
        except IntegrityError:
            continue  # another request made the row first: count on it
    return False
