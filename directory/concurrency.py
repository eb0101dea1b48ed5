"""No edit silently undoes another: saves are counted, and a stale form is refused.

Every save of an existing listing or organisation adds one to its ``version``
(``CountsVersions``, in the database itself, so two saves can never both write the
same number). A form remembers the version it was loaded with; when it is sent,
``lock`` reads the row again with ``SELECT … FOR UPDATE``, which holds until the
saving transaction commits, so of two forms sent at once the second waits and then
sees the first one's version. A different version means someone else saved in
between: the form is refused, and ``changes_since`` says who changed what, and when,
from the history. The admin's side is directory/admin/edit_conflicts.py.

A ``QuerySet.update()`` of something an editor sees must count too:
``.update(..., version=next_version())``.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connections, router
from django.db.models import F


def next_version():
    """The ``version`` of a row after one more write, for ``QuerySet.update()``."""
    return F("version") + 1


class CountsVersions:
    """Model mixin: each save of an existing row adds one to its ``version`` field."""

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        new = self.pk is None or kwargs.get("force_insert")
        if new or (update_fields is not None and not update_fields):
            return super().save(*args, **kwargs)
        if self._state.adding:
            # An existing row built afresh, as a revert from the history builds it
            # (with the version read from the database).
            self.version += 1
            return super().save(*args, **kwargs)
        self.version = next_version()
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        try:
            return super().save(*args, **kwargs)
        finally:
            # Only the database knows the new number: forget ours, so that reading
            # ``version`` fetches it (Django loads a missing field when it is read).
            self.__dict__.pop("version", None)


def lock(instance):
    """Return the row of ``instance`` as stored now, or None if it has gone.

    Inside a transaction the row stays locked until the transaction ends: anyone
    else saving it waits until then.
    """
    model = type(instance)
    rows = model._base_manager.filter(pk=instance.pk)
    if connections[router.db_for_write(model)].in_atomic_block:
        rows = rows.select_for_update()
    return rows.first()


def latest_history_id(instance):
    """The id of the newest history record of ``instance``; 0 when it has none."""
    ids = instance.history.order_by("-history_id").values_list("history_id", flat=True)
    return ids.first() or 0


@dataclass(frozen=True)
class Change:
    """One person's changes, from consecutive history records with the same reason."""

    user: object  # who saved, or None when nobody was signed in (a command)
    when: datetime
    reason: str  # the history's change reason ("Status set to published"), or ""
    fields: tuple  # names of the fields changed; empty when not known


def changes_since(instance, history_id, *, ignore=()):
    """Return who changed ``instance`` after history record ``history_id``, and what.

    One admin save can write several history records (one for the fields, one per
    many-to-many field changed), so consecutive records by the same person for the
    same reason make one ``Change``. Fields named in ``ignore`` are left out.
    """
    history = instance.history.select_related("history_user").order_by("history_id")
    records = list(history.filter(history_id__gt=history_id))
    before = history.filter(history_id=history_id).first()
    groups = []
    for record in records:
        key = (record.history_user_id, record.history_change_reason or "")
        if groups and groups[-1][0] == key:
            groups[-1][1].append(record)
        else:
            groups.append((key, [record]))
    changes = []
    for (_, reason), group in groups:
        last = group[-1]
        fields = ()
        if before is not None:
            fields = tuple(last.diff_against(before, excluded_fields=ignore).changed_fields)
        changes.append(Change(last.history_user, last.history_date, reason, fields))
        before = last
    return changes
