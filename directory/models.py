"""The directory's domain: areas, organisations, vocabularies and listings."""

import uuid
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, Max, Min, OuterRef, Subquery, Value, When
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import contacts, provenance, vocabularies
from .concurrency import CountsVersions
from .search import (
    MAX_PHRASE_WORDS,
    FullTextField,
    normalise_phrase,
    only_stop_words,
    text_search,
)

# --- Areas -------------------------------------------------------------------


class AreaQuerySet(models.QuerySet):
    def with_parents(self):
        return self.select_related("parent__parent__parent")


class AreaManager(models.Manager.from_queryset(AreaQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Area(models.Model):
    """A place a service covers: the region, a police-and-crime-commissioner
    area, a county or unitary council area inside one, or a district council
    area inside a county. Unitary councils are also the lowest tier there."""

    class Kind(models.TextChoices):
        REGION = "region", "Region"
        PCC_AREA = "pcc_area", "Police and crime commissioner area"
        LOCAL_AUTHORITY = "local_authority", "County or unitary council area"
        DISTRICT = "district", "District or borough council area"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The larger area this one sits inside. Leave empty only for the region.",
    )
    description = models.TextField(
        blank=True, help_text="One or two sentences shown on the area's page."
    )
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        blank=True,
        help_text=(
            "The Office for National Statistics code for this area, such as E07000130 for "
            "Charnwood. Place and postcode search uses it to find the area."
        ),
    )

    objects = AreaManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ons_code"], condition=~models.Q(ons_code=""), name="unique_area_ons_code"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:area-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def ancestors(self):
        """Return the areas this one sits inside, nearest first."""
        found, area, seen = [], self.parent, {self.pk}
        while area is not None and area.pk not in seen:
            found.append(area)
            seen.add(area.pk)
            area = area.parent
        return found

    def lineage(self):
        """Return this area and every area it sits inside."""
        return [self, *self.ancestors()]


def descendant_ids(areas, all_areas=None):
    """Return the ids of every area inside any of ``areas`` (not the areas themselves).

    Pass ``all_areas`` (every Area) when the caller has them, to save a query.
    """
    pairs = (
        [(area.pk, area.parent_id) for area in all_areas]
        if all_areas is not None
        else Area.objects.values_list("pk", "parent_id")
    )
    children = {}
    for pk, parent_id in pairs:
        children.setdefault(parent_id, []).append(pk)
    found, queue = set(), [area.pk for area in areas]
    while queue:
        for child in children.get(queue.pop(), []):
            if child not in found:
                found.add(child)
                queue.append(child)
    return found - {area.pk for area in areas}


# --- Organisations ---------------------------------------------------------


class OrganisationManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Organisation(CountsVersions, models.Model):
    """A body that runs one or more restorative justice services."""

    # Stored values are the old technical words; labels are what people say.
    class Kind(models.TextChoices):
        STATUTORY = "statutory", "The police, probation, a council or youth justice"
        COMMISSIONED = (
            "commissioned",
            "A victim service paid for by the police and crime commissioner",
        )
        VOLUNTARY = "voluntary", "A charity or independent group"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField("who runs it", max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    contact_routes = models.JSONField(
        "shared ways to get in touch",
        default=list,
        blank=True,
        validators=[contacts.validate_routes],
        help_text=(
            "Phone numbers, email addresses and links that every listing of this "
            "organisation shows, unless a listing gives its own of the same kind."
        ),
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="edited_organisations",
        blank=True,
        help_text="People who may keep this organisation's listings up to date.",
    )
    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When forum staff archived the organisation; it and its listings are hidden.",
    )
    # Counts saves, so an edit made from a stale form is refused instead of undoing
    # someone else's (directory/concurrency.py).
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = OrganisationManager()
    history = HistoricalRecords(excluded_fields=["updated", "version"])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('directory:search')}?organisation={self.slug}"

    def natural_key(self):
        return (self.slug,)

    @property
    def short_kind(self):
        """ "Run by …" in plain words."""
        return {
            self.Kind.STATUTORY: "a public service",
            self.Kind.COMMISSIONED: (
                "a victim service paid for by the police and crime commissioner"
            ),
            self.Kind.VOLUNTARY: "a charity or independent group",
        }.get(self.kind, self.get_kind_display())


# --- Vocabularies --------------------------------------------------------------


class TermManager(models.Manager):
    def get_by_natural_key(self, vocabulary, slug):
        return self.get(vocabulary=vocabulary, slug=slug)


class Term(models.Model):
    """One value of a controlled vocabulary (who a service is for, how it is
    delivered, …). Kept in one table so every vocabulary can be published as a
    taxonomy with stable ids, and staff can add values without a code change."""

    # One member per vocabulary in directory/vocabularies.py, named by its key.
    Vocabulary = models.TextChoices(
        "Vocabulary",
        [(key.upper(), (key, name)) for key, name in vocabularies.choices()],
    )

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    vocabulary = models.CharField(max_length=20, choices=Vocabulary.choices)
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    description = models.CharField(
        max_length=300, blank=True, help_text="A plain-English explanation shown to visitors."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers are listed first."
    )
    # Age groups only: the ages a group spans, published as a service's minimum
    # and maximum age in the open data. No maximum means no upper limit.
    minimum_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Age groups only: the youngest age in the group."
    )
    maximum_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Age groups only: the oldest age, or empty for no limit."
    )

    objects = TermManager()

    class Meta:
        ordering = ["vocabulary", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "slug"], name="unique_term_slug"),
            models.UniqueConstraint(fields=["vocabulary", "name"], name="unique_term_name"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.vocabulary, self.slug)


def vocabulary(name):
    """Limit a relation to the terms of one vocabulary."""
    return {"vocabulary": name}


# --- Listings ----------------------------------------------------------------


def closeness_levels(areas):
    """The area ids at each distance from ``areas``: the areas themselves, then each
    larger area around them in turn (ListingQuerySet.by_closeness and the facet index
    order results by these)."""
    levels = []
    for area in areas:
        for distance, ancestor in enumerate(area.lineage()):
            while len(levels) <= distance:
                levels.append(set())
            levels[distance].add(ancestor.pk)
    return levels


class ListingQuerySet(models.QuerySet):
    def published(self):
        """Listings the public may see: published, and not of an archived organisation."""
        return self.filter(status=Listing.Status.PUBLISHED, organisation__archived_at__isnull=True)

    def in_areas(self, areas, all_areas=None):
        """Return listings available to someone living in any of ``areas``: those
        covering it, a larger area around it, or a part of it (a service that
        covers a larger area covers everything inside it)."""
        around = {ancestor.pk for area in areas for ancestor in area.lineage()}
        return self.with_related("areas", around | descendant_ids(areas, all_areas))

    def by_closeness(self, areas):
        """Order listings for someone in ``areas``: services for that place first,
        then those for each larger area around it (region-wide last), then those
        covering only part of it; by name within each group."""
        levels = closeness_levels(areas)
        links = Listing.areas.through.objects.filter(listing=OuterRef("pk"))
        closeness = Case(
            *[
                When(Exists(links.filter(area__in=ids)), then=Value(distance))
                for distance, ids in enumerate(levels)
            ],
            default=Value(len(levels)),
            output_field=models.IntegerField(),
        )
        return self.annotate(closeness=closeness).order_by("closeness", Lower("name"), "pk")

    def in_area(self, area):
        return self.in_areas([area])

    def with_related(self, field, objects):
        """Return listings related through many-to-many ``field`` to any of
        ``objects``. EXISTS rather than a join, so no listing appears twice."""
        relation = Listing._meta.get_field(field)
        links = relation.remote_field.through.objects.filter(
            **{relation.m2m_field_name(): OuterRef("pk")},
            **{f"{relation.m2m_reverse_field_name()}__in": objects},
        )
        return self.filter(Exists(links))

    def offering(self, *modes):
        return self.with_related("delivery_modes", modes)

    def search(self, query):
        return text_search(self, query)

    def edited_by(self, user):
        """Return the listings of the organisations ``user`` edits."""
        return self.filter(organisation__editors=user)

    def needing_review(self):
        return self.filter(needs_review=True)

    def not_checked_since(self, day):
        return self.filter(last_checked__lt=day)

    def with_age_range(self):
        """Annotate ``minimum_age`` and ``maximum_age`` from the listing's age groups.

        The youngest group's minimum and the oldest group's maximum; no maximum when
        any group has no upper limit, and neither when the listing names no group.
        """
        links = Listing.age_groups.through.objects.filter(listing=OuterRef("pk"))
        groups = links.values("listing")
        youngest = groups.annotate(age=Min("term__minimum_age")).values("age")
        oldest = groups.annotate(age=Max("term__maximum_age")).values("age")
        # Max() ignores NULL, so an open-ended group must cancel the maximum itself.
        open_ended = Exists(links.filter(term__maximum_age__isnull=True))
        return self.annotate(
            minimum_age=Subquery(youngest),
            maximum_age=Case(When(open_ended, then=None), default=Subquery(oldest)),
        )

    def for_listing(self):
        """Fetch what a list of listing cards shows, in a fixed number of queries."""
        return self.select_related("organisation").prefetch_related(
            "audiences", "delivery_modes", "areas"
        )


class ListingManager(models.Manager.from_queryset(ListingQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def _term_relation(spec):
    return models.ManyToManyField(
        Term,
        related_name="+",
        blank=True,
        limit_choices_to=vocabulary(spec.vocabulary),
        verbose_name=spec.label,
        help_text=spec.help_text,
    )


# The listing's term fields, one per entry of vocabularies.TERM_FIELDS.
ListingTerms = type(
    "ListingTerms",
    (models.Model,),
    {
        "__module__": __name__,
        "__doc__": "A listing's many-to-many fields to the vocabularies' terms.",
        "Meta": type("Meta", (), {"abstract": True}),
        **{spec.name: _term_relation(spec) for spec in vocabularies.TERM_FIELDS},
    },
)


class Listing(CountsVersions, ListingTerms):
    """One restorative justice service as the public sees it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    class Accreditation(models.TextChoices):
        NONE = "", "None recorded"
        RJC_REGISTERED = "rjc_registered", "Restorative Justice Council registered practitioners"
        RSQM = "rsqm", "Restorative Service Quality Mark"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, help_text="The service's name as the public knows it.")
    slug = models.SlugField(
        "web address",
        max_length=200,
        unique=True,
        help_text="The last part of the listing's web address, made from its name.",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="listings"
    )
    summary = models.CharField(
        max_length=240, help_text="One sentence saying what the service does and for whom."
    )
    description = models.TextField(
        blank=True, help_text="More detail: what happens, who can take part, what support is given."
    )

    areas = models.ManyToManyField(
        Area,
        related_name="listings",
        verbose_name="areas covered",
        help_text="Choose the largest area the service covers in full.",
    )

    self_referral = models.BooleanField(
        "people can contact the service themselves",
        default=False,
        help_text="Tick if people can get in touch without a professional referring them.",
    )
    how_to_refer = models.TextField(
        "how to be referred",
        blank=True,
        help_text=(
            "The steps a person or a professional takes to ask for the service. Put phone "
            "numbers, email addresses and links under “Ways to get in touch”, not here, so "
            "there is only one place to keep them up to date."
        ),
    )
    contact_routes = models.JSONField(
        "ways to get in touch",
        default=list,
        blank=True,
        validators=[contacts.validate_routes],
        help_text=(
            "Each phone number, email address, link or referral form, and who it is for. "
            "Your organisation's shared details are shown as well, unless you give your own "
            "of the same kind here."
        ),
    )
    address = models.TextField(blank=True, help_text="Only if visitors can come to this address.")

    # What a referrer or a victim needs to know before asking.
    interpreters = models.CharField(
        "interpreters",
        max_length=10,
        choices=[("", "Not known"), ("yes", "Can be arranged"), ("no", "Not available")],
        blank=True,
        default="",
        help_text="Whether the service can arrange an interpreter, including for BSL.",
    )
    typical_wait = models.CharField(
        "typical wait until first contact",
        max_length=120,
        blank=True,
        help_text="For example “Usually within two weeks”. Leave empty if you cannot say.",
    )
    cost = models.CharField(
        max_length=10,
        choices=[("", "Not known"), ("free", "Free"), ("charge", "There may be a charge")],
        blank=True,
        default="",
        help_text="What taking part costs the person harmed or the person who caused harm.",
    )
    accreditation = models.CharField(
        "Restorative Justice Council registration",
        max_length=20,
        choices=Accreditation.choices,
        blank=True,
        default=Accreditation.NONE,
    )
    accreditation_date = models.DateField(
        "registered or awarded on",
        null=True,
        blank=True,
        help_text="The date on the Restorative Justice Council's certificate.",
    )
    sources = models.JSONField(
        "where the information came from",
        default=list,
        blank=True,
        validators=[provenance.validate_sources],
        help_text="Each source of the facts on this listing, with its date.",
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    last_checked = models.DateField(
        default=timezone.localdate, help_text="When the details were last confirmed as correct."
    )
    needs_review = models.BooleanField(
        default=False, help_text="A provider changed or added this listing since staff last looked."
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Counts saves, so an edit made from a stale form or export is refused instead of
    # undoing someone else's (directory/concurrency.py).
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # PostgreSQL only: the weighted text-search document, kept current by database
    # triggers (migrations 0005 and 0007), and GIN-indexed. SQLite searches
    # ListingSearchIndex instead (directory/search.py).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ListingManager()
    history = HistoricalRecords(
        m2m_fields=vocabularies.RELATIONS,
        excluded_fields=["updated", "reminder_sent_at", "search_vector", "version"],
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "name"]),
            # Covers what "published" reads, so counting the public listings (the Open
            # Referral API's total) reads the index alone: 4 ms, not 75, at 50,000 on SQLite.
            models.Index(fields=["status", "organisation"], name="listing_status_organisation"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:listing-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        # A number or address typed into free text is not updated with the routes.
        problems = {}
        for name in ("summary", "description", "how_to_refer"):
            text = getattr(self, name) or ""
            if contacts.PHONE_IN_TEXT.search(text) or contacts.EMAIL_IN_TEXT.search(text):
                problems[name] = (
                    "Take the phone number or email address out of this text and add it "
                    "under “Ways to get in touch”, so the page never shows an old one."
                )
        if problems:
            raise ValidationError(problems)

    def routes(self):
        """Every way to get in touch: the listing's own, then its organisation's
        shared ones of the kinds it does not give itself."""
        return contacts.effective_routes(self.contact_routes, self.organisation.contact_routes)

    def public_routes(self):
        return [route for route in self.routes() if route.for_public]

    def professional_routes(self):
        return [route for route in self.routes() if not route.for_public]

    @property
    def has_route(self):
        return bool(self.routes())

    def first_contact(self):
        """Return the first way to get in touch a result card shows.

        A public phone, else website, referral form, email, text or "ask a
        professional"; with none of those, a service that takes no self-referrals
        says who can refer you, and one that does points to its own page.
        """
        route = contacts.first_public(self.routes())
        if route is not None:
            return FirstContact(route.kind, route.label, route.href)
        if not self.self_referral:
            return FirstContact("professional", ASK_A_PROFESSIONAL)
        return FirstContact(
            "listing", "How to get in touch", self.get_absolute_url() + "#get-in-touch"
        )

    def provenance_summary(self):
        return provenance.public_summary(self.sources)

    @property
    def is_stale(self):
        """True when the details have not been confirmed for a year: the public is warned."""
        return self.last_checked < months_before(timezone.localdate(), STALE_AFTER_MONTHS)

    @property
    def needs_checking(self):
        """True when the details have not been confirmed for six months."""
        return self.last_checked < months_before(timezone.localdate(), CHECK_AFTER_MONTHS)


ASK_A_PROFESSIONAL = contacts.ASK_A_PROFESSIONAL


@dataclass(frozen=True)
class FirstContact:
    """One way to get in touch with a service: what it is, the words shown, the link.

    ``kind`` is "phone", "website", "referral_form", "email", "professional" (no link:
    ask a professional to refer you) or "listing" (the service's own page).
    """

    kind: str
    label: str
    href: str = ""

    @property
    def heading(self):
        """Return the word shown before the label, or "" when the label says it all."""
        return {"phone": "Phone", "text": "Text", "website": "Website", "email": "Email"}.get(
            self.kind, ""
        )


# Listings unconfirmed for this long are flagged; editors are reminded earlier.
CHECK_AFTER_MONTHS = 6
REMIND_AFTER_MONTHS = 5
# Unconfirmed for this long, a listing warns the public and points to national routes.
STALE_AFTER_MONTHS = 12


def months_before(day, months):
    """Return the date ``months`` calendar months before ``day`` (clamped to month end)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class ProblemReport(models.Model):
    """A visitor's report that something on a listing's page is wrong."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    # Listings are archived, never deleted, so their reports are kept.
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="problem_reports")
    message = models.TextField("what is wrong", max_length=2000)
    email = models.EmailField("email for a reply", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Report on {self.listing} ({self.created:%d %b %Y})"


# --- Search ------------------------------------------------------------------


class SearchSynonym(models.Model):
    """Words and phrases that mean the same to someone looking for a service.

    A search for any one of them finds the services that use any of them
    (directory/search.py). Forum staff keep the groups in the admin.
    """

    phrases = models.CharField(
        "words and phrases",
        max_length=500,
        help_text=(
            "Words or short phrases that mean the same thing to someone looking for a "
            "service, separated by commas, for example: shuttle mediation, mediation, indirect. "
            "A search for any one of them then finds services that mention any of them. "
            "Each phrase can be up to four words. Capitals and punctuation make no difference, "
            "and a plural finds its singular by itself, so there is no need to add both."
        ),
    )

    class Meta:
        ordering = ["phrases"]
        verbose_name = "search synonym group"

    def __str__(self):
        return self.phrases

    def phrase_list(self):
        """Return the group's phrases as search reads them, without repeats."""
        phrases = []
        for part in self.phrases.split(","):
            phrase = normalise_phrase(part)
            if phrase and phrase not in phrases:
                phrases.append(phrase)
        return phrases

    def clean(self):
        self.phrases = ", ".join(p.strip() for p in self.phrases.split(",") if p.strip())
        phrases = self.phrase_list()
        if len(phrases) < 2:
            raise ValidationError(
                {"phrases": "Give at least two words or phrases, separated by commas."}
            )
        problems = []
        for phrase in phrases:
            if len(phrase.split()) > MAX_PHRASE_WORDS:
                problems.append(f"“{phrase}” is more than {MAX_PHRASE_WORDS} words: shorten it.")
            elif only_stop_words(phrase):
                problems.append(
                    f"“{phrase}” is made only of words that searches ignore, "
                    "such as “the” or “and”: remove it."
                )
            elif only_stop_words(phrase.split()[0]) or only_stop_words(phrase.split()[-1]):
                # PostgreSQL would drop such a word and SQLite would insist on it.
                problems.append(
                    f"“{phrase}” starts or ends with a word that searches ignore, "
                    "such as “the” or “and”: leave that word out."
                )
        for other in SearchSynonym.objects.exclude(pk=self.pk):
            for phrase in set(phrases).intersection(other.phrase_list()):
                problems.append(
                    f"“{phrase}” is already in the group “{other}”. Add these words to that "
                    "group instead, or remove it from one of them."
                )
        if problems:
            raise ValidationError({"phrases": problems})


class ListingSearchIndex(models.Model):
    """SQLite only: each listing's words as the FTS5 table directory_listing_fts holds them.

    Database triggers write it (migration 0007); Django only reads it, to search.
    ``document`` is FTS5's hidden column named after the table, which MATCH and
    bm25() take.
    """

    listing = models.OneToOneField(
        Listing,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        related_name="search_index",
    )
    document = FullTextField(db_column="directory_listing_fts", editable=False)
    name = models.TextField(editable=False)
    summary = models.TextField(editable=False)
    description = models.TextField(editable=False)
    organisation = models.TextField(editable=False)
    terms = models.TextField(editable=False)
    areas = models.TextField(editable=False)

    class Meta:
        managed = False
        # Like a many-to-many link table, this model belongs to another (the triggers
        # write it): auto_created keeps it out of apps.get_models(), and so out of
        # migrations, content types, permissions, dumpdata and test-database copies.
        auto_created = True
        db_table = "directory_listing_fts"
        ordering = ["name"]

    def __str__(self):
        return self.name
