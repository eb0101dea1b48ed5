"""Add the national routes onward, seed three, and let forum staff edit them.

When a search or an area has no local service (and below the results), visitors
are offered national help. Forum staff edit the list in the admin afterwards.

Each description is our own wording of facts the organisation states on its own
public pages:

- Why me?: https://why-me.org/restorative-justice-billboard-campaign/ (each area
  has its own restorative justice service, found with Why me?'s map; Why me? runs
  its own service for people who cannot get one from their local provider) and
  https://why-me.org/2020/ten-years-of-why-me/ (a charity whose aim is restorative
  justice for all victims of crime).
- Restorative Justice Council: https://restorativejustice.org.uk/about-rjc (the
  national, independent membership body for restorative practice; promotes
  restorative justice and sets standards for safe, high-quality practice).
- Victim Support: https://www.victimsupport.org.uk/press-releases/victim-support-
  expands-online-support-help-people-affected-crime/ (April 2020: free and
  confidential support in every region of England and Wales, whatever the crime,
  whenever it happened and whether or not it was reported to the police).

No phone numbers: the routes link to each organisation's home page, which keeps
its own contact details current. Running the migration again puts back the text
below, keyed on the name; reversing it leaves the rows alone.
"""

import django.core.validators
from django.db import migrations, models

ROUTES = [
    {
        "name": "Why me?",
        "url": "https://why-me.org/",
        "description": (
            "A national charity that wants every victim of crime to have the chance of "
            "restorative justice. It can help you find the restorative justice service where "
            "you live, and runs its own service for people their local service cannot help."
        ),
        "who_for": "People affected by crime or conflict",
        "position": 1,
    },
    {
        "name": "Restorative Justice Council",
        "url": "https://restorativejustice.org.uk/",
        "description": (
            "The national, independent membership body for restorative practice. It promotes "
            "restorative justice and sets the standards for safe, good-quality practice."
        ),
        "who_for": "Anyone who wants to know more about restorative justice",
        "position": 2,
    },
    {
        "name": "Victim Support",
        "url": "https://www.victimsupport.org.uk/",
        "description": (
            "A charity giving free and confidential support to people affected by crime "
            "anywhere in England and Wales. You can get help whatever the crime, however long "
            "ago it happened, and whether or not you reported it to the police."
        ),
        "who_for": "Anyone affected by crime",
        "position": 3,
    },
]

# directory.roles.FORUM_STAFF; written out so this migration never changes with the code.
FORUM_STAFF = "Forum staff"


def seed_routes(apps, schema_editor):
    OnwardRoute = apps.get_model("pages", "OnwardRoute")
    for route in ROUTES:
        OnwardRoute.objects.update_or_create(
            name=route["name"], defaults={**route, "is_shown": True}
        )


def grant_forum_staff(apps, schema_editor):
    """Give forum staff the new model's permissions now.

    directory.roles.ensure_groups keeps the groups in step after every migrate as well;
    this makes the permissions exist, and be granted, as soon as the table does.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("pages")
    app_config.models_module = (
        True  # historical app configs have none; create_permissions needs one
    )
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff, _ = Group.objects.get_or_create(name=FORUM_STAFF)
    staff.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="pages", content_type__model="onwardroute"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0004_staying_safe_online"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="OnwardRoute",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="The organisation's name, as the public knows it.",
                        max_length=120,
                    ),
                ),
                (
                    "url",
                    models.URLField(
                        help_text="The page visitors should land on, starting https://.",
                        max_length=300,
                        validators=[django.core.validators.URLValidator(schemes=["http", "https"])],
                        verbose_name="web address",
                    ),
                ),
                (
                    "description",
                    models.CharField(
                        help_text="One or two short, plain sentences: what the organisation can do for people.",
                        max_length=300,
                    ),
                ),
                (
                    "who_for",
                    models.CharField(
                        blank=True,
                        help_text="Optional. For example: anyone affected by crime.",
                        max_length=120,
                        verbose_name="who it is for",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        default=0, help_text="Lower numbers are listed first."
                    ),
                ),
                (
                    "is_shown",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to hide this route without deleting it.",
                        verbose_name="show on the site",
                    ),
                ),
            ],
            options={
                "verbose_name": "national route onward",
                "verbose_name_plural": "national routes onward",
                "ordering": ["position", "name"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("url__startswith", "https://"),
                            ("url__startswith", "http://"),
                            _connector="OR",
                        ),
                        name="onward_route_url_is_http",
                    )
                ],
            },
        ),
        migrations.RunPython(seed_routes, migrations.RunPython.noop),
        migrations.RunPython(grant_forum_staff, migrations.RunPython.noop),
    ]
