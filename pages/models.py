"""Information pages that forum staff write and edit in the admin."""

import markdown
import nh3
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils.safestring import mark_safe
from simple_history.models import HistoricalRecords

# What staff-written Markdown may turn into. Anything else (scripts, styles,
# event handlers, iframes) is stripped by nh3 before the page is shown.
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "strong", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


def render_markdown(text):
    """Return staff-written Markdown as sanitised HTML, safe to insert in a page."""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # sanitised by nh3 just above


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def in_footer(self):
        return self.published().filter(show_in_footer=True)


class Page(models.Model):
    """A page of plain-English information: what restorative justice is,
    whether it is right for you, privacy, accessibility and so on."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, help_text="The page's web address.")
    summary = models.CharField(
        max_length=240, help_text="One sentence shown in lists of pages and to search engines."
    )
    body = models.TextField(
        help_text=(
            "Write in plain English. Markdown formatting works: ## for a heading, "
            "- for a bullet list, [words](https://example.org) for a link."
        )
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers are listed first."
    )
    show_in_footer = models.BooleanField(default=False)
    published = models.BooleanField(default=True)
    updated = models.DateTimeField(auto_now=True)
    # The content file this page was first made from (pages/seeding.py), so that
    # file is never loaded again over staff's edits; blank for pages staff wrote.
    seed_key = models.CharField(max_length=120, blank=True, default="", editable=False)

    objects = PageQuerySet.as_manager()
    # Every save is kept, so an edit can be compared and reverted (pages/history.py).
    history = HistoricalRecords(excluded_fields=["updated", "seed_key"])

    class Meta:
        ordering = ["position", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["seed_key"], condition=~models.Q(seed_key=""), name="page_seed_key_unique"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:page-detail", kwargs={"slug": self.slug})

    def body_html(self):
        return render_markdown(self.body)

    # What a revert brings back (pages/reverting.py): not whether the page is published.
    revert_fields = ["title", "slug", "summary", "body", "position", "show_in_footer"]

    def revert_problem(self, record):
        from .protection import slug_change_problem

        if problem := slug_change_problem(self, record.slug):
            return f"That version has a different web address. {problem}"
        return None

    def publication_note(self):
        return (
            f"Whether the page is published ({'it is' if self.published else 'it is not'}) "
            "stays as it is."
        )


class OnwardRouteQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(is_shown=True)


class OnwardRoute(models.Model):
    """A national organisation visitors are pointed to when no local service fits,
    or below the results: "Help from national services"."""

    name = models.CharField(
        max_length=120, help_text="The organisation's name, as the public knows it."
    )
    url = models.URLField(
        "web address",
        max_length=300,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="The page visitors should land on, starting https://.",
    )
    description = models.CharField(
        max_length=300,
        help_text="One or two short, plain sentences: what the organisation can do for people.",
    )
    who_for = models.CharField(
        "who it is for",
        max_length=120,
        blank=True,
        help_text="Optional. For example: anyone affected by crime.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers are listed first."
    )
    is_shown = models.BooleanField(
        "show on the site", default=True, help_text="Untick to hide this route without deleting it."
    )

    objects = OnwardRouteQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "national route onward"
        verbose_name_plural = "national routes onward"
        constraints = [
            # The admin checks this too; the constraint also covers imports and the shell.
            models.CheckConstraint(
                condition=models.Q(url__startswith="https://")
                | models.Q(url__startswith="http://"),
                name="onward_route_url_is_http",
            )
        ]

    def __str__(self):
        return self.name
