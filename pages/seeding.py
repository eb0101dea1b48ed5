"""Content the site ships with, kept as files and loaded only where it is missing.

The information pages (pages/content/) and the knowledge hub's first news,
briefings and events (hub/content/) are Markdown files with a YAML header. After
every ``migrate`` (and on ``manage.py load_content``) each file becomes a row, but
only if no row was ever made from it: the row remembers its file (``seed_key``),
so a page staff have edited, renamed or unpublished is never touched again, and a
file whose web address staff have already used for a page of their own is skipped
and reported rather than written over it.

A changed file therefore changes nothing on a site that already has the page:
wording changes after the first install are made by staff in the admin, where
they have history and can be reverted.
"""

from dataclasses import dataclass
from pathlib import Path

import frontmatter
from django.apps import apps as global_apps
from django.conf import settings
from django.db import transaction


@dataclass(frozen=True)
class Source:
    """One folder of content files and the model its rows belong to.

    ``build`` turns a file's header (a dict) and Markdown body into the new
    row's field values, ``slug`` included.
    """

    model: type
    folder: Path
    build: object


@dataclass(frozen=True)
class Outcome:
    path: Path
    status: str  # ADDED, KEPT (added before: left alone) or TAKEN (address in use)
    message: str

    @property
    def created(self):
        return self.status == ADDED


ADDED, KEPT, TAKEN = "added", "kept", "taken"


_SOURCES = []


def register(model, folder, build):
    """Load ``folder``'s ``*.md`` files into ``model`` (an app does this in ready())."""
    source = Source(model=model, folder=Path(folder), build=build)
    if source not in _SOURCES:
        _SOURCES.append(source)


def sources():
    return list(_SOURCES)


def load(*, using="default", only=None):
    """Create a row for each content file that has never had one; return the outcomes.

    ``only`` limits loading to some models (tests use it).
    """
    outcomes = []
    for source in _SOURCES:
        if only is not None and source.model not in only:
            continue
        for path in sorted(source.folder.glob("*.md")):
            outcomes.append(_load_file(source, path, using))
    return outcomes


def _load_file(source, path, using):
    key = path.stem
    manager = source.model._default_manager.db_manager(using)
    label = source.model._meta.verbose_name
    if manager.filter(seed_key=key).exists():
        return Outcome(path, KEPT, f"{key}: added before, left as it is")
    post = frontmatter.load(path)
    values = source.build(dict(post.metadata), post.content.strip() + "\n")
    slug = values.setdefault("slug", path.stem)
    if manager.filter(slug=slug).exists():
        return Outcome(
            path,
            TAKEN,
            f"{key}: not added, because a {label} staff wrote already has the web address “{slug}”",
        )
    with transaction.atomic(using=using):
        row = source.model(**values, seed_key=key)
        row._change_reason = f"Added from {_shown(path)}"
        row.full_clean(validate_unique=False)
        row.save(using=using)
    return Outcome(path, ADDED, f"{key}: added")


def _shown(path):
    try:
        return str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        return path.name


def load_after_migrate(using="default", apps=global_apps, **kwargs):
    """post_migrate receiver: a new database gets its content with its tables.

    After a partial ``migrate`` (back to an earlier migration, say) the tables may
    not match the models yet: then nothing is loaded until the next full one.
    """
    for source in _SOURCES:
        try:
            state = apps.get_model(source.model._meta.label)
        except LookupError:
            return
        names = {field.name for field in state._meta.get_fields()}
        if not {field.name for field in source.model._meta.concrete_fields} <= names:
            return
    load(using=using)
