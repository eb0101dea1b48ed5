"""Seed the controlled vocabularies every installation needs.

Ids are derived from the vocabulary and slug, so every installation publishes
the same taxonomy-term ids in its open data. Staff may add terms later.
"""

import uuid

from django.db import migrations

NAMESPACE = uuid.UUID("6f1c3a52-5d0e-4b8e-9a57-3f3d2f4b9e10")

TERMS = {
    "audience": [
        (
            "people-harmed",
            "People harmed",
            "Victim-focused: for people harmed by crime or conflict.",
        ),
        (
            "people-who-caused-harm",
            "People who caused harm",
            "Offender-focused: for people responsible for harm who want to put things right.",
        ),
        ("families", "Families", "Family-focused: for families working through harm or conflict."),
    ],
    "age_group": [
        ("children-and-young-people", "Children and young people", "Under 18."),
        ("adults", "Adults", "18 and over."),
    ],
    "delivery_mode": [
        (
            "face-to-face-conference",
            "Face-to-face conference",
            "A meeting with everyone involved, prepared and led by a trained facilitator.",
        ),
        (
            "shuttle-mediation",
            "Shuttle mediation through a facilitator",
            "A facilitator carries questions and answers between people who do not meet.",
        ),
        (
            "letter-writing",
            "Letter writing",
            "A letter, checked by a facilitator before it is sent.",
        ),
        ("video-or-phone", "Video or phone", "A conversation by video call or telephone."),
        (
            "family-group-conference",
            "Family group conference",
            "A family meets, with private family time, to agree a plan together.",
        ),
        (
            "on-the-spot",
            "On-the-spot (street) restorative justice",
            "A quick, informal resolution led by a police officer for low-level incidents.",
        ),
    ],
    "setting": [
        ("criminal-justice", "Criminal justice", "Alongside the police, courts or probation."),
        ("youth-justice", "Youth justice", "Through a youth offending or youth justice service."),
        ("prisons", "Prisons", "With people serving a prison sentence."),
        (
            "childrens-social-care",
            "Children's social care",
            "Where children's services are involved.",
        ),
        ("schools", "Schools", "Harm or conflict in and around school."),
        ("housing-and-community", "Housing and community", "Neighbour and community conflict."),
        ("workplace", "Workplace", "Conflict or harm at work."),
    ],
    "case_type": [
        ("sexual-harm", "Sexual harm", "Cases involving sexual offences or sexual harm."),
        ("domestic-abuse", "Domestic abuse", "Cases involving domestic abuse or violence."),
        ("hate-crime", "Hate crime", "Cases where someone was targeted for who they are."),
    ],
}


def seed(apps, schema_editor):
    Term = apps.get_model("directory", "Term")
    for vocabulary, terms in TERMS.items():
        for position, (slug, name, description) in enumerate(terms):
            Term.objects.update_or_create(
                vocabulary=vocabulary,
                slug=slug,
                defaults={
                    "uuid": uuid.uuid5(NAMESPACE, f"{vocabulary}/{slug}"),
                    "name": name,
                    "description": description,
                    "position": position,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
