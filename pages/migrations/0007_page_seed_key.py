"""Pages remember the content file they were first made from (pages/seeding.py).

The pages that migrations 0002 and 0004 seeded are marked as made from their
files, by the web address they were seeded at, so loading the files after this
migration adds none of them a second time. (A page staff moved to another address
since cannot be recognised; its file is then skipped anyway if staff have written
a page at the old address, and reported.)
"""

from django.db import migrations, models

SEEDED = [
    "what-is-restorative-justice",
    "is-it-right-for-me",
    "for-professionals",
    "about-the-forum",
    "accessibility",
    "privacy",
    "staying-safe-online",
]


def mark_seeded(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    for slug in SEEDED:
        Page.objects.filter(slug=slug).update(seed_key=slug)


class Migration(migrations.Migration):
    dependencies = [("pages", "0006_page_history")]

    operations = [
        migrations.AddField(
            model_name="page",
            name="seed_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=120),
        ),
        migrations.AddConstraint(
            model_name="page",
            constraint=models.UniqueConstraint(
                condition=models.Q(("seed_key", ""), _negated=True),
                fields=("seed_key",),
                name="page_seed_key_unique",
            ),
        ),
        migrations.RunPython(mark_seeded, migrations.RunPython.noop),
    ]
