"""Formerly changed the seeded privacy notice's wording about problem reports.

The page's text now lives in pages/content/, loaded after migrate by
pages/seeding.py, which only creates pages that are missing. This migration is
kept, empty, because databases have it recorded as applied.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pages", "0002_seed_pages")]

    operations = []
