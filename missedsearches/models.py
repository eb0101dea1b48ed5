"""Searches that found no service, counted per day so staff see what people look for.

Nothing here can identify a visitor: no IP address, cookie, session, user agent
or time of day is kept, only the day, the scrubbed search words, the place (a
town, area or postcode district, never a full postcode), the filters chosen and
how many times that day. Rows go after 12 months (delete_old_missed_searches).
"""

from django.db import models


class MissedSearch(models.Model):
    day = models.DateField(db_index=True)
    words = models.CharField("search words", max_length=100, blank=True)
    place = models.CharField("where", max_length=100, blank=True)
    filters = models.CharField("filters chosen", max_length=200, blank=True)
    count = models.PositiveIntegerField("times", default=0)

    class Meta:
        ordering = ["-day", "-count"]
        verbose_name = "search that found nothing"
        verbose_name_plural = "searches that found nothing"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "words", "place", "filters"], name="missed_search_once_a_day"
            )
        ]

    def __str__(self):
        return " · ".join(part for part in (self.words, self.place, self.filters) if part)
