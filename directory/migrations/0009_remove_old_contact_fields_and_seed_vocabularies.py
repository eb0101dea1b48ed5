"""The old contact fields go, new vocabularies are seeded, and the search index returns.

- Listings' phone, email, website and referral-form fields were copied into
  ``contact_routes`` by 0008; here they are removed.
- New vocabularies (offence or harm, stage of the case, who can ask, prisons,
  languages) are seeded with ids derived from vocabulary and slug, as in 0002, and
  the first vocabularies' jargon is reworded.
- The search index (dropped in 0008) is created again over every searched
  vocabulary: not over the offences a service does not take on.
"""

import importlib
import uuid

from django.db import migrations

_fts = importlib.import_module("directory.migrations.0007_full_text_search")
run_for_vendor = _fts.run_for_vendor
# Every vocabulary field whose term names a search matches (vocabularies.TERM_FIELDS
# with searched=True, as they were when this migration was written).
NEW = _fts.search_sql(
    [
        f"directory_listing_{name}"
        for name in [
            "audiences",
            "age_groups",
            "delivery_modes",
            "offence_types",
            "stages",
            "referrers",
            "settings",
            "case_types",
            "prisons",
            "languages",
        ]
    ]
)
NAMESPACE = uuid.UUID("6f1c3a52-5d0e-4b8e-9a57-3f3d2f4b9e10")  # as in 0002

TERMS = {
    "offence_type": [
        ("violence", "Violence", "Assault and other violence against a person."),
        ("burglary", "Burglary", "Breaking into a home or other building."),
        ("robbery", "Robbery", "Theft with force or the threat of force."),
        ("theft", "Theft", "Theft, including shoplifting."),
        ("criminal-damage", "Criminal damage", "Damage to property, including arson."),
        (
            "anti-social-behaviour",
            "Anti-social behaviour",
            "Behaviour that causes alarm or distress, including neighbour disputes.",
        ),
        ("hate-crime", "Hate crime", "A crime where someone was targeted for who they are."),
        ("domestic-abuse", "Domestic abuse", "Abuse or violence by a partner or family member."),
        ("sexual-offences", "Sexual offences", "Sexual violence and other sexual harm."),
        ("child-abuse", "Child abuse", "Harm done to a child."),
        (
            "road-traffic",
            "Road traffic offences",
            "Including death or serious injury caused by driving.",
        ),
        ("fraud", "Fraud", "Being cheated out of money or property."),
        (
            "public-order",
            "Public order offences",
            "Fighting, threats or harassment in public.",
        ),
        (
            "homicide",
            "Murder or manslaughter",
            "For families bereaved by murder or manslaughter.",
        ),
    ],
    "stage": [
        (
            "outside-justice-system",
            "Not reported to the police",
            "Harm or conflict that has not gone through the justice system.",
        ),
        (
            "out-of-court",
            "Dealt with out of court",
            "A community resolution, caution or other outcome without going to court.",
        ),
        ("before-sentence", "Before sentencing", "After a guilty plea, before the sentence."),
        (
            "after-sentence",
            "After sentencing",
            "During a community sentence or other court order.",
        ),
        ("in-prison", "In prison", "While the person who caused harm is in prison."),
        (
            "on-licence",
            "After release from prison",
            "While the person who caused harm is on licence or supervised after prison.",
        ),
    ],
    "referrer": [
        ("person-harmed", "The person harmed", "The victim, or their family, can ask."),
        (
            "person-who-caused-harm",
            "The person who caused harm",
            "The person responsible, or their family, can ask.",
        ),
        (
            "professional",
            "A professional",
            "A police officer, probation officer, case worker or other professional can refer.",
        ),
    ],
    "prison": [
        (slug, name, "")
        for slug, name in [
            ("hmp-foston-hall", "HMP Foston Hall"),
            ("hmp-fosse-way", "HMP Fosse Way"),
            ("hmp-gartree", "HMP Gartree"),
            ("hmp-leicester", "HMP Leicester"),
            ("hmp-lincoln", "HMP Lincoln"),
            ("hmp-lowdham-grange", "HMP Lowdham Grange"),
            ("hmp-north-sea-camp", "HMP North Sea Camp"),
            ("hmp-nottingham", "HMP Nottingham"),
            ("hmp-ranby", "HMP Ranby"),
            ("hmp-stocken", "HMP Stocken"),
            ("hmp-sudbury", "HMP Sudbury"),
            ("hmp-whatton", "HMP Whatton"),
            ("hmp-five-wells", "HMP Five Wells"),
            ("hmp-onley", "HMP Onley"),
        ]
    ],
    "language": [
        ("english", "English", ""),
        ("british-sign-language", "British Sign Language", ""),
    ],
}


def seed_terms(apps, schema_editor):
    Term = apps.get_model("directory", "Term")
    for vocabulary, terms in TERMS.items():
        for position, (slug, name, description) in enumerate(terms):
            Term.objects.get_or_create(
                vocabulary=vocabulary,
                slug=slug,
                defaults={
                    "uuid": uuid.uuid5(NAMESPACE, f"{vocabulary}/{slug}"),
                    "name": name,
                    "description": description,
                    "position": position,
                },
            )


# Plain words for the public: what the first vocabularies said in jargon.
REWORDED = {
    ("audience", "people-harmed"): (
        "People harmed",
        "For people who were harmed by a crime or a conflict, and their families.",
    ),
    ("audience", "people-who-caused-harm"): (
        "People who caused harm",
        "For people who caused harm and want to understand it and put things right.",
    ),
    ("audience", "families"): (
        "Families",
        "For families working through harm or conflict together.",
    ),
    ("setting", "criminal-justice"): (
        "Police, courts or probation",
        "Alongside the police, the courts or probation.",
    ),
}


def reword_terms(apps, schema_editor):
    Term = apps.get_model("directory", "Term")
    for (vocabulary, slug), (name, description) in REWORDED.items():
        Term.objects.filter(vocabulary=vocabulary, slug=slug).update(
            name=name, description=description
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0008_contact_routes_and_rj_facts"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="historicallisting",
            name="email",
        ),
        migrations.RemoveField(
            model_name="historicallisting",
            name="phone",
        ),
        migrations.RemoveField(
            model_name="historicallisting",
            name="referral_form_url",
        ),
        migrations.RemoveField(
            model_name="historicallisting",
            name="website",
        ),
        migrations.RemoveField(
            model_name="listing",
            name="email",
        ),
        migrations.RemoveField(
            model_name="listing",
            name="phone",
        ),
        migrations.RemoveField(
            model_name="listing",
            name="referral_form_url",
        ),
        migrations.RemoveField(
            model_name="listing",
            name="website",
        ),
        migrations.RunPython(seed_terms, migrations.RunPython.noop),
        migrations.RunPython(reword_terms, migrations.RunPython.noop),
        migrations.RunPython(
            run_for_vendor({"sqlite": NEW["sqlite_create"], "postgresql": NEW["postgres_create"]}),
            run_for_vendor({"sqlite": NEW["sqlite_drop"], "postgresql": NEW["postgres_drop"]}),
        ),
    ]
