"""Every controlled vocabulary, and every listing field that holds its terms, defined once.

The Term model's choice of vocabulary, the listing's many-to-many fields, their
history, the search filters and facet counts, the CSV columns, the admin's
checkboxes, the review diff, the page-cache signals and the Open Referral
taxonomies and attributes are all built from ``VOCABULARIES`` and
``TERM_FIELDS``. Adding a vocabulary is one entry in each (and a migration:
``makemigrations``, plus a data migration seeding its terms).

This module imports nothing from the models, so the models can build on it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Vocabulary:
    """One controlled list of terms."""

    key: str  # stored on each Term; the Open Referral attribute's link_type
    name: str  # the taxonomy's name, in the admin and the open data
    description: str  # the Open Referral taxonomy's description


@dataclass(frozen=True)
class TermField:
    """A listing's many-to-many field holding terms of one vocabulary.

    ``name`` is the field, its CSV column and its history field. ``param`` is its
    search filter's GET parameter (with a facet on the search page), or "" when
    visitors do not filter by it. ``searched`` says whether its term names are
    words a search matches (migration 0009 builds the search index from these).
    """

    name: str
    vocabulary: str
    label: str  # what the public and editors read: filter legend, form label
    help_text: str  # written for a provider filling in the form
    # A complete listing has at least one (generated listings do); the field may
    # still be left empty when a service has not said.
    expected: bool = False
    param: str = ""
    searched: bool = True
    filter_label: str = ""  # the filter legend when it differs from ``label``

    @property
    def legend(self):
        return self.filter_label or self.label

    @property
    def link_type(self):
        """The Open Referral attribute's link_type: the vocabulary's key, except for a
        second field of the same vocabulary (offences not taken on), named for itself."""
        first = next(spec for spec in TERM_FIELDS if spec.vocabulary == self.vocabulary)
        return self.vocabulary if first is self else self.name.removesuffix("s")


VOCABULARIES = [
    Vocabulary("audience", "Who it is for", "Who a restorative justice service is for."),
    Vocabulary("age_group", "Age group", "The age groups a service works with."),
    Vocabulary("delivery_mode", "How it is delivered", "How restorative justice is delivered."),
    Vocabulary(
        "offence_type",
        "Offence or harm",
        "Kinds of offence or harm a service takes on, or does not take on.",
    ),
    Vocabulary(
        "stage",
        "Stage of the case",
        "Where a case has reached in the justice system when the service can help.",
    ),
    Vocabulary("referrer", "Who can ask for it", "Who can ask a service to start a case."),
    Vocabulary("setting", "Setting", "Where or alongside which other services the work happens."),
    Vocabulary(
        "case_type",
        "Complex and sensitive cases",
        "Complex and sensitive cases a service is trained to take on.",
    ),
    Vocabulary("prison", "Prison", "Prisons where a service works with people in custody."),
    Vocabulary("language", "Language", "Languages a service can work in."),
]

TERM_FIELDS = [
    TermField(
        "audiences",
        "audience",
        "Who it is for",
        "Tick everyone the service works with.",
        expected=True,
        param="audience",
    ),
    TermField(
        "age_groups",
        "age_group",
        "Age groups",
        "Tick the ages of the people the service works with.",
        expected=True,
        param="age",
        filter_label="Age group",
    ),
    TermField(
        "delivery_modes",
        "delivery_mode",
        "How it is delivered",
        "Tick every way people can take part.",
        expected=True,
        param="mode",
    ),
    TermField(
        "offence_types",
        "offence_type",
        "Offences and harm taken on",
        "Tick the kinds of offence or harm the service takes on. Leave all empty if it "
        "considers any case.",
        param="offence",
        filter_label="What happened",
    ),
    TermField(
        "excluded_offence_types",
        "offence_type",
        "Offences and harm not taken on",
        "Tick the kinds of offence or harm the service does not take on, so nobody is "
        "sent to you for them.",
        searched=False,
    ),
    TermField(
        "stages",
        "stage",
        "Stage of the case",
        "Tick every point in a case when the service can help, from before anything is "
        "reported to after someone leaves prison.",
        param="stage",
    ),
    TermField(
        "referrers",
        "referrer",
        "Who can ask for it",
        "Tick everyone who can ask the service to start a case.",
    ),
    TermField(
        "settings",
        "setting",
        "Where the service works",
        "Tick the places or services the work happens alongside.",
        param="setting",
        filter_label="Where it works",
    ),
    TermField(
        "case_types",
        "case_type",
        "Complex and sensitive cases taken",
        "Only tick a case type if trained facilitators assess and take such cases.",
        param="cases",
        filter_label="Complex and sensitive cases",
    ),
    TermField(
        "prisons",
        "prison",
        "Prisons",
        "Tick each prison where the service works with people serving a sentence.",
    ),
    TermField(
        "languages",
        "language",
        "Languages",
        "Tick the languages the service can work in without an interpreter, including "
        "British Sign Language.",
    ),
]

BY_NAME = {field.name: field for field in TERM_FIELDS}
FILTERED = [field for field in TERM_FIELDS if field.param]
FIELD_NAMES = [field.name for field in TERM_FIELDS]
# Every many-to-many field of a listing: its terms and its areas.
RELATIONS = [*FIELD_NAMES, "areas"]


def vocabulary(key):
    return next(v for v in VOCABULARIES if v.key == key)


def choices():
    """The Term model's vocabulary choices, as (key, name) pairs."""
    return [(v.key, v.name) for v in VOCABULARIES]
