"""Add the content the site ships with that this database does not have yet.

``migrate`` already does this; run it by hand to see what was added and what was
skipped. It never changes or removes a row: see pages/seeding.py.
"""

from django.core.management.base import BaseCommand

from pages import seeding


class Command(BaseCommand):
    help = (
        "Add the information pages, news, briefings and events in the content folders that "
        "have never been added. Existing rows, edited or not, are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, verbosity, **options):
        outcomes = seeding.load(using=database)
        for outcome in outcomes:
            if outcome.created:
                self.stdout.write(self.style.SUCCESS(outcome.message))
            elif outcome.status == seeding.TAKEN:
                self.stdout.write(self.style.WARNING(outcome.message))
            elif verbosity > 1:
                self.stdout.write(outcome.message)
        added = sum(outcome.created for outcome in outcomes)
        self.stdout.write(f"{added} added, {len(outcomes) - added} already there or skipped.")
