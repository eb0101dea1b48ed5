"""Give areas stable ids and age groups their ages, both published in the open data.

Existing areas get ids derived from their slug (as fixtures/areas.json has them), so
every installation publishes the same service-area ids.
"""

import uuid

from django.db import migrations, models

NAMESPACE = uuid.UUID("6f1c3a52-5d0e-4b8e-9a57-3f3d2f4b9e10")

AGES = {
    "children-and-young-people": (0, 17),
    "adults": (18, None),
}


def area_uuid(slug):
    return uuid.uuid5(NAMESPACE, f"area:{slug}")


def fill(apps, schema_editor):
    Area = apps.get_model("directory", "Area")
    for area in Area.objects.all():
        area.uuid = area_uuid(area.slug)
        area.save(update_fields=["uuid"])
    Term = apps.get_model("directory", "Term")
    for slug, (minimum, maximum) in AGES.items():
        Term.objects.filter(vocabulary="age_group", slug=slug).update(
            minimum_age=minimum, maximum_age=maximum
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_editors_history_and_problem_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="area",
            name="uuid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="term",
            name="maximum_age",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                help_text="Age groups only: the oldest age, or empty for no limit.",
            ),
        ),
        migrations.AddField(
            model_name="term",
            name="minimum_age",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, help_text="Age groups only: the youngest age in the group."
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="area",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
