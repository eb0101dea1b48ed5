from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from directory.models import ProblemReport

pytestmark = pytest.mark.django_db


def report(listing, *, closed_days_ago=None):
    item = ProblemReport.objects.create(listing=listing, message="The phone number is wrong.")
    if closed_days_ago is not None:
        item.status = ProblemReport.Status.CLOSED
        item.closed_at = timezone.now() - timedelta(days=closed_days_ago)
        item.save()
    return item


def test_reports_closed_over_a_year_ago_are_deleted(make_listing):
    old = report(make_listing(), closed_days_ago=400)
    call_command("delete_old_reports", verbosity=0)
    assert not ProblemReport.objects.filter(pk=old.pk).exists()


def test_recently_closed_and_open_reports_are_kept(make_listing):
    listing = make_listing()
    kept = {report(listing, closed_days_ago=30).pk, report(listing).pk}
    call_command("delete_old_reports", verbosity=0)
    assert set(ProblemReport.objects.values_list("pk", flat=True)) == kept


def test_the_command_says_how_many_it_deleted(make_listing, capsys):
    report(make_listing(), closed_days_ago=400)
    call_command("delete_old_reports")
    assert "Deleted 1 closed report." in capsys.readouterr().out
