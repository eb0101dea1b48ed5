"""Load the East Midlands areas and the real sample services, ready to edit."""

from django.core.management.base import BaseCommand

from directory.services import fixtures_load


class Command(BaseCommand):
    help = (
        "Load the areas and the real sample services, and record a first version of each "
        "in its history. (generate_listings --demonstration adds the fictional examples.)"
    )

    def handle(self, *args, **options):
        recorded = fixtures_load(
            fixtures=["areas", "sample_services"],
            reason="Loaded from the sample data",
            verbosity=options["verbosity"],
        )
        self.stdout.write(f"Recorded a first version of {recorded} records.")
