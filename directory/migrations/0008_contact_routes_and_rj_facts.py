"""Ways to get in touch as structured entries, the facts referrers need, provenance.

- The search index is dropped first, so no SQLite table rebuild here or in 0009
  loses its triggers; 0009 creates it again over the new vocabularies.
- The phone, email, website and referral-form fields of each listing (and of each
  version in its history) are copied into ``contact_routes``; 0009 removes them
  (PostgreSQL cannot alter a table in the transaction that just updated its rows).
"""

import importlib

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models

import directory.contacts
import directory.provenance

_fts = importlib.import_module("directory.migrations.0007_full_text_search")
run_for_vendor = _fts.run_for_vendor
OLD = _fts.SQL


def routes_from(row):
    """The old contact fields of a listing (or a version of one) as route entries."""
    found = []
    for kind, value in [
        ("phone", row.phone),
        ("email", row.email),
        ("website", row.website),
        ("referral_form", row.referral_form_url),
    ]:
        if value and value.strip():
            found.append({"kind": kind, "value": value.strip()})
    return found


def move_contact_details(apps, schema_editor):
    for name in ("Listing", "HistoricalListing"):
        model = apps.get_model("directory", name)
        changed = []
        for row in model.objects.all().only("pk", "phone", "email", "website", "referral_form_url"):
            row.contact_routes = routes_from(row)
            if row.contact_routes:
                changed.append(row)
        model.objects.bulk_update(changed, ["contact_routes"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_full_text_search"),
    ]

    operations = [
        migrations.RunPython(
            run_for_vendor({"sqlite": OLD["sqlite_drop"], "postgresql": OLD["postgres_drop"]}),
            run_for_vendor({"sqlite": OLD["sqlite_create"], "postgresql": OLD["postgres_create"]}),
        ),
        migrations.AddField(
            model_name="historicallisting",
            name="accreditation_date",
            field=models.DateField(
                blank=True,
                help_text="The date on the Restorative Justice Council's certificate.",
                null=True,
                verbose_name="registered or awarded on",
            ),
        ),
        migrations.AddField(
            model_name="historicallisting",
            name="contact_routes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Each phone number, email address, link or referral form, and who it is for. Your organisation's shared details are shown as well, unless you give your own of the same kind here.",
                validators=[directory.contacts.validate_routes],
                verbose_name="ways to get in touch",
            ),
        ),
        migrations.AddField(
            model_name="historicallisting",
            name="cost",
            field=models.CharField(
                blank=True,
                choices=[("", "Not known"), ("free", "Free"), ("charge", "There may be a charge")],
                default="",
                help_text="What taking part costs the person harmed or the person who caused harm.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="historicallisting",
            name="interpreters",
            field=models.CharField(
                blank=True,
                choices=[("", "Not known"), ("yes", "Can be arranged"), ("no", "Not available")],
                default="",
                help_text="Whether the service can arrange an interpreter, including for BSL.",
                max_length=10,
                verbose_name="interpreters",
            ),
        ),
        migrations.AddField(
            model_name="historicallisting",
            name="sources",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Each source of the facts on this listing, with its date.",
                validators=[directory.provenance.validate_sources],
                verbose_name="where the information came from",
            ),
        ),
        migrations.AddField(
            model_name="historicallisting",
            name="typical_wait",
            field=models.CharField(
                blank=True,
                help_text="For example “Usually within two weeks”. Leave empty if you cannot say.",
                max_length=120,
                verbose_name="typical wait until first contact",
            ),
        ),
        migrations.AddField(
            model_name="historicalorganisation",
            name="contact_routes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Phone numbers, email addresses and links that every listing of this organisation shows, unless a listing gives its own of the same kind.",
                validators=[directory.contacts.validate_routes],
                verbose_name="shared ways to get in touch",
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="accreditation_date",
            field=models.DateField(
                blank=True,
                help_text="The date on the Restorative Justice Council's certificate.",
                null=True,
                verbose_name="registered or awarded on",
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="contact_routes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Each phone number, email address, link or referral form, and who it is for. Your organisation's shared details are shown as well, unless you give your own of the same kind here.",
                validators=[directory.contacts.validate_routes],
                verbose_name="ways to get in touch",
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="cost",
            field=models.CharField(
                blank=True,
                choices=[("", "Not known"), ("free", "Free"), ("charge", "There may be a charge")],
                default="",
                help_text="What taking part costs the person harmed or the person who caused harm.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="excluded_offence_types",
            field=models.ManyToManyField(
                blank=True,
                help_text="Tick the kinds of offence or harm the service does not take on, so nobody is sent to you for them.",
                limit_choices_to={"vocabulary": "offence_type"},
                related_name="+",
                to="directory.term",
                verbose_name="Offences and harm not taken on",
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="interpreters",
            field=models.CharField(
                blank=True,
                choices=[("", "Not known"), ("yes", "Can be arranged"), ("no", "Not available")],
                default="",
                help_text="Whether the service can arrange an interpreter, including for BSL.",
                max_length=10,
                verbose_name="interpreters",
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="languages",
            field=models.ManyToManyField(
                blank=True,
                help_text="Tick the languages the service can work in without an interpreter, including British Sign Language.",
                limit_choices_to={"vocabulary": "language"},
                related_name="+",
                to="directory.term",
                verbose_name="Languages",
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="offence_types",
            field=models.ManyToManyField(
                blank=True,
                help_text="Tick the kinds of offence or harm the service takes on. Leave all empty if it considers any case.",
                limit_choices_to={"vocabulary": "offence_type"},
                related_name="+",
                to="directory.term",
                verbose_name="Offences and harm taken on",
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="prisons",
            field=models.ManyToManyField(
                blank=True,
                help_text="Tick each prison where the service works with people serving a sentence.",
                limit_choices_to={"vocabulary": "prison"},
                related_name="+",
                to="directory.term",
                verbose_name="Prisons",
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="referrers",
            field=models.ManyToManyField(
                blank=True,
                help_text="Tick everyone who can ask the service to start a case.",
                limit_choices_to={"vocabulary": "referrer"},
                related_name="+",
                to="directory.term",
                verbose_name="Who can ask for it",
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="sources",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Each source of the facts on this listing, with its date.",
                validators=[directory.provenance.validate_sources],
                verbose_name="where the information came from",
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="stages",
            field=models.ManyToManyField(
                blank=True,
                help_text="Tick every point in a case when the service can help, from before anything is reported to after someone leaves prison.",
                limit_choices_to={"vocabulary": "stage"},
                related_name="+",
                to="directory.term",
                verbose_name="Stage of the case",
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="typical_wait",
            field=models.CharField(
                blank=True,
                help_text="For example “Usually within two weeks”. Leave empty if you cannot say.",
                max_length=120,
                verbose_name="typical wait until first contact",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="contact_routes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Phone numbers, email addresses and links that every listing of this organisation shows, unless a listing gives its own of the same kind.",
                validators=[directory.contacts.validate_routes],
                verbose_name="shared ways to get in touch",
            ),
        ),
        migrations.AlterField(
            model_name="historicallisting",
            name="accreditation",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "None recorded"),
                    ("rjc_registered", "Restorative Justice Council registered practitioners"),
                    ("rsqm", "Restorative Service Quality Mark"),
                ],
                default="",
                max_length=20,
                verbose_name="Restorative Justice Council registration",
            ),
        ),
        migrations.AlterField(
            model_name="historicallisting",
            name="how_to_refer",
            field=models.TextField(
                blank=True,
                help_text="The steps a person or a professional takes to ask for the service. Put phone numbers, email addresses and links under “Ways to get in touch”, not here, so there is only one place to keep them up to date.",
                verbose_name="how to be referred",
            ),
        ),
        migrations.AlterField(
            model_name="historicallisting",
            name="self_referral",
            field=models.BooleanField(
                default=False,
                help_text="Tick if people can get in touch without a professional referring them.",
                verbose_name="people can contact the service themselves",
            ),
        ),
        migrations.AlterField(
            model_name="historicallisting",
            name="slug",
            field=models.SlugField(
                help_text="The last part of the listing's web address, made from its name.",
                max_length=200,
                verbose_name="web address",
            ),
        ),
        migrations.AlterField(
            model_name="historicalorganisation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("statutory", "The police, probation, a council or youth justice"),
                    (
                        "commissioned",
                        "A victim service paid for by the police and crime commissioner",
                    ),
                    ("voluntary", "A charity or independent group"),
                ],
                max_length=20,
                verbose_name="who runs it",
            ),
        ),
        migrations.AlterField(
            model_name="listing",
            name="accreditation",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "None recorded"),
                    ("rjc_registered", "Restorative Justice Council registered practitioners"),
                    ("rsqm", "Restorative Service Quality Mark"),
                ],
                default="",
                max_length=20,
                verbose_name="Restorative Justice Council registration",
            ),
        ),
        migrations.AlterField(
            model_name="listing",
            name="age_groups",
            field=models.ManyToManyField(
                blank=True,
                help_text="Tick the ages of the people the service works with.",
                limit_choices_to={"vocabulary": "age_group"},
                related_name="+",
                to="directory.term",
                verbose_name="Age groups",
            ),
        ),
        migrations.AlterField(
            model_name="listing",
            name="audiences",
            field=models.ManyToManyField(
                blank=True,
                help_text="Tick everyone the service works with.",
                limit_choices_to={"vocabulary": "audience"},
                related_name="+",
                to="directory.term",
                verbose_name="Who it is for",
            ),
        ),
        migrations.AlterField(
            model_name="listing",
            name="case_types",
            field=models.ManyToManyField(
                blank=True,
                help_text="Only tick a case type if trained facilitators assess and take such cases.",
                limit_choices_to={"vocabulary": "case_type"},
                related_name="+",
                to="directory.term",
                verbose_name="Complex and sensitive cases taken",
            ),
        ),
        migrations.AlterField(
            model_name="listing",
            name="delivery_modes",
            field=models.ManyToManyField(
                blank=True,
                help_text="Tick every way people can take part.",
                limit_choices_to={"vocabulary": "delivery_mode"},
                related_name="+",
                to="directory.term",
                verbose_name="How it is delivered",
            ),
        ),
        migrations.AlterField(
            model_name="listing",
            name="how_to_refer",
            field=models.TextField(
                blank=True,
                help_text="The steps a person or a professional takes to ask for the service. Put phone numbers, email addresses and links under “Ways to get in touch”, not here, so there is only one place to keep them up to date.",
                verbose_name="how to be referred",
            ),
        ),
        migrations.AlterField(
            model_name="listing",
            name="self_referral",
            field=models.BooleanField(
                default=False,
                help_text="Tick if people can get in touch without a professional referring them.",
                verbose_name="people can contact the service themselves",
            ),
        ),
        migrations.AlterField(
            model_name="listing",
            name="settings",
            field=models.ManyToManyField(
                blank=True,
                help_text="Tick the places or services the work happens alongside.",
                limit_choices_to={"vocabulary": "setting"},
                related_name="+",
                to="directory.term",
                verbose_name="Where the service works",
            ),
        ),
        migrations.AlterField(
            model_name="listing",
            name="slug",
            field=models.SlugField(
                help_text="The last part of the listing's web address, made from its name.",
                max_length=200,
                unique=True,
                verbose_name="web address",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("statutory", "The police, probation, a council or youth justice"),
                    (
                        "commissioned",
                        "A victim service paid for by the police and crime commissioner",
                    ),
                    ("voluntary", "A charity or independent group"),
                ],
                max_length=20,
                verbose_name="who runs it",
            ),
        ),
        migrations.AlterField(
            model_name="term",
            name="vocabulary",
            field=models.CharField(
                choices=[
                    ("audience", "Who it is for"),
                    ("age_group", "Age group"),
                    ("delivery_mode", "How it is delivered"),
                    ("offence_type", "Offence or harm"),
                    ("stage", "Stage of the case"),
                    ("referrer", "Who can ask for it"),
                    ("setting", "Setting"),
                    ("case_type", "Complex and sensitive cases"),
                    ("prison", "Prison"),
                    ("language", "Language"),
                ],
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="HistoricalListing_excluded_offence_types",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="directory.historicallisting",
                    ),
                ),
                (
                    "listing",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="directory.listing",
                    ),
                ),
                (
                    "term",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="directory.term",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalListing_excluded_offence_types",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalListing_languages",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="directory.historicallisting",
                    ),
                ),
                (
                    "listing",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="directory.listing",
                    ),
                ),
                (
                    "term",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="directory.term",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalListing_languages",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalListing_offence_types",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="directory.historicallisting",
                    ),
                ),
                (
                    "listing",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="directory.listing",
                    ),
                ),
                (
                    "term",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="directory.term",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalListing_offence_types",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalListing_prisons",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="directory.historicallisting",
                    ),
                ),
                (
                    "listing",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="directory.listing",
                    ),
                ),
                (
                    "term",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="directory.term",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalListing_prisons",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalListing_referrers",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="directory.historicallisting",
                    ),
                ),
                (
                    "listing",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="directory.listing",
                    ),
                ),
                (
                    "term",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="directory.term",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalListing_referrers",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalListing_stages",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="directory.historicallisting",
                    ),
                ),
                (
                    "listing",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="directory.listing",
                    ),
                ),
                (
                    "term",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="directory.term",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalListing_stages",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(move_contact_details, migrations.RunPython.noop),
    ]
