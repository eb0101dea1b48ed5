"""Back up the site's database to one timestamped file (run nightly from cron)."""

from django.core.management.base import BaseCommand, CommandError

from emrj import backups


def file_size(path):
    size = path.stat().st_size
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump's custom format; SQLite: a copy made "
        "with SQLite's backup API) to a timestamped file. Safe while the site runs. The "
        "file holds personal data: keep it somewhere only operators can read."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="PATH",
            help=(
                "A directory for the timestamped file (default: backups/ in the project), "
                "or the file to write."
            ),
        )

    def handle(self, *args, output, **options):
        try:
            path = backups.backup(output)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up the database to {path} ({file_size(path)}).")
