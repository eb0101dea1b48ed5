"""Delete counts of searches that found nothing once they are 12 months old. Run daily."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from missedsearches.models import MissedSearch

KEEP_DAYS = 365


class Command(BaseCommand):
    help = "Delete the counts of searches that found nothing that are more than 12 months old."

    def handle(self, *args, **options):
        before = timezone.localdate() - datetime.timedelta(days=KEEP_DAYS)
        deleted, _ = MissedSearch.objects.filter(day__lt=before).delete()
        self.stdout.write(f"Deleted {deleted} counts from before {before:%d %B %Y}.")
