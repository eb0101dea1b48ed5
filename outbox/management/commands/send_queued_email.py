"""Send the emails that could not be sent straight away (run every few minutes from cron).

``*/5 * * * * cd /srv/emrj && .venv/bin/python manage.py send_queued_email``

Safe to run while another run is still going: each email is claimed by one run only.
"""

from django.core.management.base import BaseCommand

from outbox.models import MAX_ATTEMPTS
from outbox.sending import delete_old, retry_given_up, send_due


class Command(BaseCommand):
    help = (
        "Send the emails in the outbox whose next try is due, oldest first, trying each "
        f"at most {MAX_ATTEMPTS} times; delete old ones. Safe to run twice at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry-stopped",
            action="store_true",
            help=f"First give the emails that stopped after {MAX_ATTEMPTS} tries a new set "
            "of tries (once the mail server works again).",
        )

    def handle(self, *args, retry_stopped, verbosity, **options):
        if retry_stopped:
            self.stdout.write(f"Trying {retry_given_up()} stopped emails again.")
        summary = send_due()
        deleted = delete_old()
        style = self.style.WARNING if summary.failed or summary.given_up else self.style.SUCCESS
        self.stdout.write(style(str(summary)))
        if verbosity >= 2 and deleted:
            self.stdout.write(f"Deleted {deleted} old email{'' if deleted == 1 else 's'}.")
