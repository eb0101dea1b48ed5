"""Create clearly fictional listings for load tests and demonstrations.

``--demonstration`` adds the three hand-written fictional listings of
fixtures/demonstration_listings.json instead of (or as well as) generated ones:
they fill in the filter values (prisons, schools, workplaces, accreditation…)
that no real service in the sample data covers, so every filter can be tried.
"""

import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Exists, OuterRef

from directory import vocabularies
from directory.models import Area, Listing, Organisation, Term
from directory.services import fixtures_load
from sitecache.version import bump_version

MAX_COUNT = 100_000
DEMONSTRATION_FIXTURE = "demonstration_listings"

ADJECTIVES = ["Riverside", "Northfield", "Oakwood", "Hillview", "Meadow", "Stonebridge", "Ashby"]
SERVICES = [
    ("Restorative Conversations", "face-to-face meetings and shuttle mediation"),
    ("Repairing Harm Project", "letter writing and video calls"),
    ("Family Talking Service", "family group conferences"),
    ("Community Mediation", "neighbour and community mediation"),
    ("Youth Restorative Team", "restorative work with young people"),
]


# Contact details that reach no one: Ofcom's drama numbers (0116 496 0000-0999), the
# reserved example.org domain, and made-up streets. A quarter of listings get an address,
# so pages and the open data show services visitors can go to.
TOWNS = [("Leicester", "Leicestershire", "LE1"), ("Derby", "Derbyshire", "DE1")]


def fictional_contacts(rng, n):
    details = {
        "contact_routes": [
            {
                "kind": "phone",
                "value": f"0116 496 0{rng.randint(0, 999):03d}",
                "hours": "Monday to Friday, 9am to 5pm",
            },
            {"kind": "email", "value": f"service-{n}@example.org"},
            {"kind": "website", "value": f"https://example.org/services/{n}/"},
        ],
        "sources": [{"kind": "staff", "title": "Made up for testing", "date": "2026-01-01"}],
    }
    if n % 4 == 0:
        town, county, district = rng.choice(TOWNS)
        details["address"] = (
            f"{n} Example Street\n{town}\n{county}\n{district} {rng.randint(1, 9)}ZZ"
        )
    return details


class Command(BaseCommand):
    help = (
        "Create N clearly fictional published listings (for load tests and demos); "
        "--demonstration adds the three hand-written fictional demonstration listings."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "count",
            type=int,
            nargs="?",
            help="How many listings to create (optional with --demonstration).",
        )
        parser.add_argument(
            "--demonstration",
            action="store_true",
            help="Add the fictional demonstration listings (safe to repeat).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for repeatable data.")
        parser.add_argument(
            "--status",
            choices=[s.value for s in Listing.Status],
            default=Listing.Status.PUBLISHED,
        )

    def handle(self, *args, count, seed, status, demonstration, **options):
        if count is None and not demonstration:
            raise CommandError(
                f"Say how many listings to create (between 1 and {MAX_COUNT}), "
                "or add --demonstration."
            )
        if count is not None and not 1 <= count <= MAX_COUNT:
            raise CommandError(f"count must be between 1 and {MAX_COUNT}.")
        areas = list(Area.objects.all())
        if not areas:
            raise CommandError("Load the areas first: python manage.py loaddata areas")
        if demonstration:
            fixtures_load(
                fixtures=[DEMONSTRATION_FIXTURE], reason="Loaded from the demonstration data"
            )
            self.stdout.write(self.style.SUCCESS("Added the fictional demonstration listings."))
        if count is None:
            return
        terms = {}
        for term in Term.objects.all():
            terms.setdefault(term.vocabulary, []).append(term)
        rng = random.Random(seed)
        with transaction.atomic():
            created = self.create(count, rng, areas, terms, status)
        # bulk_create sends no signals, so tell the page cache itself.
        bump_version()
        self.stdout.write(self.style.SUCCESS(f"Created {created} fictional listings."))

    def create(self, count, rng, areas, terms, status):
        organisations = [
            Organisation.objects.get_or_create(
                slug=f"fictional-organisation-{n}",
                defaults={
                    "name": f"Fictional Organisation {n} (demonstration data)",
                    "kind": kind,
                    "description": "A made-up organisation used to demonstrate the directory.",
                },
            )[0]
            for n, kind in enumerate(Organisation.Kind.values, start=1)
        ]
        existing = Listing.objects.filter(slug__regex=r"^fictional-[0-9]+$").values_list(
            "slug", flat=True
        )
        start = max((int(slug.rsplit("-", 1)[1]) for slug in existing), default=0)
        listings = []
        for n in range(start + 1, start + count + 1):
            place = rng.choice(ADJECTIVES)
            service, what = rng.choice(SERVICES)
            listings.append(
                Listing(
                    name=f"{place} {service} {n} (fictional)",
                    slug=f"fictional-{n}",
                    organisation=rng.choice(organisations),
                    summary=f"A fictional service offering {what}, used to demonstrate the site.",
                    description=(
                        f"This listing is made up. It describes {what} so that the directory can "
                        "be tried out and measured with many services."
                    ),
                    self_referral=rng.random() < 0.5,
                    how_to_refer="This is a fictional service: there is no one to contact.",
                    status=status,
                    **fictional_contacts(rng, n),
                )
            )
        Listing.objects.bulk_create(listings, batch_size=500)
        listings = list(Listing.objects.filter(slug__in=[listing.slug for listing in listings]))
        # Every vocabulary field: one or two terms where a listing needs one, up to two
        # elsewhere (a few more ways of taking part, as real services offer).
        relations = {
            spec.name: (
                spec.vocabulary,
                int(spec.expected),
                3 if spec.name == "delivery_modes" else 2,
            )
            for spec in vocabularies.TERM_FIELDS
        }
        for field, (vocabulary, low, high) in relations.items():
            self.link(field, listings, rng, terms.get(vocabulary, []), low, high)
        self.link("areas", listings, rng, areas, 1, 2)
        # A service never both takes on and refuses the same offence.
        taken = Listing.offence_types.through.objects.filter(
            listing=OuterRef("listing"), term=OuterRef("term")
        )
        Listing.excluded_offence_types.through.objects.filter(Exists(taken)).delete()
        return len(listings)

    def link(self, field, listings, rng, choices, low, high):
        """Relate each listing to between ``low`` and ``high`` random ``choices``."""
        relation = Listing._meta.get_field(field)
        through = relation.remote_field.through
        source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        rows = [
            through(**{source: listing, target: obj})
            for listing in listings
            for obj in rng.sample(choices, rng.randint(low, min(high, len(choices))))
        ]
        through.objects.bulk_create(rows, batch_size=1000)
