"""Email editors about listings nobody has confirmed for a while.

Run it once a day from cron, for example at 07:15:
``15 7 * * * cd /srv/emrj && .venv/bin/python manage.py send_check_reminders``

Two runs at once (a slow run still going when the next starts) send each reminder
once: each listing is claimed by one run. The emails go through the outbox, so a
mail server that is down delays them (``send_queued_email`` sends them later).
"""

from django.core.management.base import BaseCommand

from directory.models import REMIND_AFTER_MONTHS
from directory.reminders import REMIND_EVERY_DAYS, send_check_reminders


class Command(BaseCommand):
    help = (
        f"Email the editors of each listing not confirmed for {REMIND_AFTER_MONTHS} months, "
        f"at most once every {REMIND_EVERY_DAYS} days per listing. Safe to re-run, "
        "and safe if two runs overlap."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the reminders that would be sent, without sending or recording them.",
        )

    def handle(self, *args, dry_run, verbosity, **options):
        summary = send_check_reminders(dry_run=dry_run)
        if verbosity >= 2 or dry_run:
            verb = "Would remind" if dry_run else "Reminded"
            for listing, addresses in summary.reminded:
                self.stdout.write(f"{verb} {', '.join(addresses)} about “{listing.name}”.")
        style = self.style.WARNING if summary.no_editors or summary.failed else self.style.SUCCESS
        self.stdout.write(style(str(summary)))
