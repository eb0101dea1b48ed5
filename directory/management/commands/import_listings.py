"""Add and change listings from a CSV file, checked exactly as the admin's import."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from directory import bulk, services


class Command(BaseCommand):
    help = (
        "Import listings from a CSV file in the export's format. Every row is checked "
        "first; if any has a problem, nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, but save nothing."
        )

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        try:
            with path.open("rb") as stream:
                data = stream.read(bulk.MAX_UPLOAD_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            text = bulk.decode(data)
        except bulk.FileProblem as problem:
            raise CommandError(str(problem)) from None
        with transaction.atomic():
            self.run(text, dry_run=dry_run)

    def run(self, text, *, dry_run):
        try:
            plan = bulk.read_and_plan(text, lock=not dry_run)
        except bulk.FileProblem as problem:
            raise CommandError(str(problem)) from None
        if plan.errors:
            for error in plan.errors:
                column = f", column {error.column}" if error.column else ""
                self.stderr.write(f"Row {error.row}{column}: {error.message}")
            raise CommandError(f"{len(plan.errors)} problems: nothing was imported.")
        for row in plan.creates:
            self.stdout.write(f"Row {row.row}: add “{row.values['name']}”")
        for row in plan.updates:
            columns = ", ".join(change.column for change in row.changes)
            self.stdout.write(f"Row {row.row}: change “{row.listing}” ({columns})")
        summary = (
            f"{len(plan.creates)} to add, {len(plan.updates)} to change, {plan.unchanged} unchanged"
        )
        if dry_run:
            self.stdout.write(f"Dry run, nothing saved: {summary}.")
            return
        try:
            services.listings_import(plan=plan, by=None)
        except services.ImportOutdated:
            raise CommandError(
                "A listing changed while the file was being checked: nothing was imported. "
                "Run the command again."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))
