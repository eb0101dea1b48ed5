"""Load the East Midlands areas and sample services, ready to edit."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from directory.models import Listing, Organisation


class Command(BaseCommand):
    help = "Load the areas and sample services, and record a first version of each in its history."

    def handle(self, *args, **options):
        call_command("loaddata", "areas", "sample_services", verbosity=options["verbosity"])
        # Fixtures load without history; save each record once so that staff have
        # a first version to compare and revert to.
        recorded = 0
        for model in (Organisation, Listing):
            for obj in model.objects.exclude(pk__in=model.history.values("id")):
                obj._change_reason = "Loaded from the sample data"
                obj.save()
                recorded += 1
        self.stdout.write(f"Recorded a first version of {recorded} records.")
