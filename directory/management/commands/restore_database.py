"""Replace the site's database with a backup made by backup_database, or check one."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from emrj import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_database into the configured database, replacing "
        "everything in it, then make sure no page cached before the restore is shown. "
        "With --check, only read the backup through to see that it can be restored."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="The backup file.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Read the whole backup and say what it holds, without restoring anything.",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Do not ask to type the database's name first (for scripts).",
        )

    def handle(self, *args, path, check, yes, **options):
        try:
            if check:
                self.check_backup(path)
            else:
                self.restore(path, yes=yes)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error

    def check_backup(self, path):
        found = backups.check(path)
        self.stdout.write(self.style.SUCCESS(f"{path} can be restored."))
        for line in found.details:
            self.stdout.write(line)

    def restore(self, path, *, yes):
        problem = backups.restore_problem(path)
        if problem:
            raise CommandError(problem)
        name = backups.database_label()
        if not yes:
            self.confirm(path, name)
        self.stdout.write(f"Restoring {path} into the database “{name}”…")
        result = backups.restore(path)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored: the database now holds {result.listings} listings, "
                f"{result.organisations} organisations and {result.pages} pages."
            )
        )
        if not result.cache_bumped:
            minutes = max(1, round(settings.PUBLIC_PAGE_CACHE_SECONDS / 60))
            self.stdout.write(
                self.style.WARNING(
                    "The cache could not be reached, so pages cached before the restore may "
                    f"still be shown for up to {minutes} minutes once it is back."
                )
            )
        elif not backups.cache_is_shared():
            self.stdout.write(
                "The cache is in each app server's own memory (REDIS_URL is not set): "
                "restart the app servers so that they forget pages cached before the restore."
            )
        else:
            self.stdout.write("Pages cached before the restore will not be shown again.")
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))

    def confirm(self, path, name):
        warning = (
            f"Restoring {path} replaces everything in the database “{name}”: every change "
            "made since that backup will be lost."
        )
        if not sys.stdin.isatty():
            raise CommandError(f"{warning} Run again with --yes to go ahead.")
        self.stdout.write(self.style.WARNING(warning))
        self.stdout.flush()
        try:
            typed = input(f"Type the database's name ({name}) to go ahead: ")
        except EOFError:
            typed = ""
        if typed.strip() != name:
            raise CommandError("That was not the database's name: nothing was restored.")
