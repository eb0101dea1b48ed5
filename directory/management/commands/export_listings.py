"""Write every listing as CSV, in the format the admin's import reads."""

from django.core.management.base import BaseCommand, CommandError

from directory import bulk
from directory.models import Listing


class Command(BaseCommand):
    help = (
        "Write every listing (drafts and archived ones too) as CSV to standard output "
        "or a file; --published-only writes what the public download has."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="FILE", help="Write to FILE.")
        parser.add_argument(
            "--published-only", action="store_true", help="Only published listings."
        )

    def handle(self, *args, output, published_only, **options):
        listings = Listing.objects.published() if published_only else Listing.objects.all()
        if output is None:
            bulk.write_csv(self.stdout, listings)
            return
        try:
            # newline="": the csv module writes its own line endings (\r\n).
            with open(output, "w", encoding="utf-8", newline="") as stream:
                bulk.write_csv(stream, listings)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        self.stderr.write(f"Wrote {listings.count()} listings to {output}.")
