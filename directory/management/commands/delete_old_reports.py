"""Delete problem reports closed more than a year ago (run daily from cron)."""

from django.core.management.base import BaseCommand

from directory.reports import KEEP_CLOSED_REPORTS_DAYS, reports_delete_old


class Command(BaseCommand):
    help = f"Delete problem reports closed more than {KEEP_CLOSED_REPORTS_DAYS} days ago."

    def handle(self, *args, **options):
        deleted = reports_delete_old()
        self.stdout.write(f"Deleted {deleted} closed report{'s' if deleted != 1 else ''}.")
