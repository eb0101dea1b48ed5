"""Formerly seeded the information pages every installation needs.

The page's text now lives in pages/content/, loaded after migrate by
pages/seeding.py, which only creates pages that are missing. This migration is
kept, empty, because databases have it recorded as applied.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]

    operations = []
