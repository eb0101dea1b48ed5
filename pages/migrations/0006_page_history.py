"""Information pages keep their history, so an edit can be compared and reverted.

Each page there already is gets a first version, so the text as it was before the
first edit can be reverted to. Reversing the migration drops the history.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

FIELDS = ["id", "title", "slug", "summary", "body", "position", "show_in_footer", "published"]


def record_first_versions(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    HistoricalPage = apps.get_model("pages", "HistoricalPage")
    now = timezone.now()
    HistoricalPage.objects.bulk_create(
        HistoricalPage(
            **{name: getattr(page, name) for name in FIELDS},
            history_date=now,
            history_type="+",
            history_change_reason="Recorded when page history began",
        )
        for page in Page.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0005_onward_routes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalPage",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=120)),
                ("slug", models.SlugField(help_text="The page's web address.", max_length=120)),
                (
                    "summary",
                    models.CharField(
                        help_text="One sentence shown in lists of pages and to search engines.",
                        max_length=240,
                    ),
                ),
                (
                    "body",
                    models.TextField(
                        help_text="Write in plain English. Markdown formatting works: ## for a heading, - for a bullet list, [words](https://example.org) for a link."
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        default=0, help_text="Lower numbers are listed first."
                    ),
                ),
                ("show_in_footer", models.BooleanField(default=False)),
                ("published", models.BooleanField(default=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical page",
                "verbose_name_plural": "historical pages",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(record_first_versions, migrations.RunPython.noop),
    ]
