"""Writing many listings at once, with the history a save one by one would record.

Saving listings one at a time, each with its relations and its history, costs a few
dozen queries a listing: a CSV import of 2,000 rows took minutes, far longer than a
request may run. These write each kind of row in a few statements instead.

They send no signals, so they record the history themselves (one record per listing,
with who and why, and its many-to-many values as the history of a save holds them),
add one to the edit versions themselves (as ``concurrency.CountsVersions`` does) and leave the page
cache to the caller: bump its version once when all is written.
"""

from django.db import connection
from simple_history.models import HistoricalRecords

from .models import Listing

# Rows per statement; Django makes it smaller where the database needs (SQLite).
BATCH = 500
# Ids per ``IN (…)``: SQLite takes at most 999 parameters a statement.
IDS_PER_QUERY = 900


def chunks(items, size=IDS_PER_QUERY):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def lock_versions(listing_ids):
    """Lock the listings until the transaction ends; return ``{pk: version}`` as stored."""
    versions = {}
    for ids in chunks(listing_ids):
        rows = Listing.objects.filter(pk__in=ids).select_for_update(of=("self",))
        versions.update(rows.values_list("pk", "version"))
    return versions


def create_listings(listings):
    """Insert new ``listings`` (unsaved Listing objects); their pks are set."""
    return Listing.objects.bulk_create(listings, batch_size=BATCH)


def update_listings(changes, *, now):
    """Write each changed listing's new values, ``updated`` and one more version.

    ``changes`` holds ``(listing, {field name: new value})``; call with the rows locked
    (``lock_versions``). One UPDATE per batch of rows, each column set to ``CASE id
    WHEN … THEN … ELSE column END`` over the rows that change it. (Django's bulk_update
    builds an expression object for every row and field, which took seconds of an
    import, and writes every field of every row.)
    """
    for listing, values in changes:
        for name, value in values.items():
            setattr(listing, name, value)
        listing.updated = now
    with connection.cursor() as cursor:
        for batch in _batches(changes):
            cursor.execute(*_update_statement(batch, now))
    for listing, _ in changes:
        listing.version += 1


def _batches(changes, most=900):
    """Split ``changes`` into batches of at most ``most`` query parameters (SQLite's
    limit is 999): two per changed value and one per row."""
    batch, size = [], 0
    for change in changes:
        cost = 2 * len(change[1]) + 1
        if batch and size + cost > most:
            yield batch
            batch, size = [], 0
        batch.append(change)
        size += cost
    if batch:
        yield batch


def _update_statement(batch, now):
    meta, quote = Listing._meta, connection.ops.quote_name
    pk = quote(meta.pk.column)
    # PostgreSQL cannot tell the type of a CASE of parameters by itself.
    cast = connection.features.requires_casted_case_in_updates
    by_field = {}
    for listing, values in batch:
        for name in values:
            field = meta.get_field(name)
            value = field.get_db_prep_save(getattr(listing, field.attname), connection)
            by_field.setdefault(field, []).extend([listing.pk, value])
    assignments, params = [], []
    for field, pairs in by_field.items():
        then = f"CAST(%s AS {field.db_type(connection)})" if cast else "%s"
        column = quote(field.column)
        whens = " ".join([f"WHEN %s THEN {then}"] * (len(pairs) // 2))
        assignments.append(f"{column} = CASE {pk} {whens} ELSE {column} END")
        params += pairs
    updated, version = meta.get_field("updated"), quote(meta.get_field("version").column)
    assignments += [f"{quote(updated.column)} = %s", f"{version} = {version} + 1"]
    params.append(updated.get_db_prep_save(now, connection))
    ids = [listing.pk for listing, _ in batch]
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "
        f"WHERE {pk} IN ({', '.join(['%s'] * len(ids))})"
    )
    return sql, [*params, *ids]


def set_relations(name, wanted, *, new=()):
    """Make each listing's many-to-many field ``name`` hold exactly ``wanted[pk]``.

    ``wanted`` maps listing pks to sets of related pks; listings in ``new`` have no
    links yet, so nothing is read for them. Links already there are kept.
    """
    through, source, target = _link_table(name)
    current = {}
    for ids in chunks(set(wanted) - set(new)):
        links = through.objects.filter(**{f"{source}__in": ids})
        for link, listing, related in links.values_list("pk", source, target):
            current.setdefault(listing, {})[related] = link
    removed, added = [], []
    for listing, targets in wanted.items():
        have = current.get(listing, {})
        removed += [link for related, link in have.items() if related not in targets]
        added += [through(**{source: listing, target: pk}) for pk in targets if pk not in have]
    for links in chunks(removed):
        through.objects.filter(pk__in=links).delete()
    through.objects.bulk_create(added, batch_size=BATCH)


def record_history(listings, *, history_type, by, reason, when):
    """Add one history record per listing, as saving each would, many-to-many values too.

    ``history_type`` is "+" for new listings, "~" for changed ones.
    """
    records = Listing.history.bulk_history_create(
        listings,
        batch_size=BATCH,
        update=history_type == "~",
        default_user=by,
        default_change_reason=reason,
        default_date=when,
    )
    # PostgreSQL and SQLite (3.35 on) return the new rows' ids.
    record_ids = [record.history_id for record in records or []]
    for field in Listing.history.model._history_m2m_fields:
        _record_relation_history(field, record_ids)
    return records


def _record_relation_history(field, record_ids):
    """Copy the links of many-to-many ``field`` into the history of ``record_ids``.

    What simple-history does for each save (``create_historical_record_m2ms``): each
    link row, with the history record it belongs to. Here one INSERT … SELECT per
    batch of records, so no link passes through Python.
    """
    through, history = field.remote_field.through, HistoricalRecords.m2m_models[field]
    records, quote = Listing.history.model._meta, connection.ops.quote_name
    links = [f.column for f in through._meta.fields]
    copies = [quote(history._meta.get_field(f.name).column) for f in through._meta.fields]
    source = through._meta.get_field(field.m2m_field_name()).column
    record = quote(records.pk.column)
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} "
        f"({', '.join(copies)}, {quote(history._meta.get_field('history').column)}) "
        f"SELECT {', '.join(f'link.{quote(column)}' for column in links)}, record.{record} "
        f"FROM {quote(through._meta.db_table)} link "
        f"JOIN {quote(records.db_table)} record "
        f"ON record.{quote(records.get_field('id').column)} = link.{quote(source)} "
        f"WHERE record.{record} IN "
    )
    with connection.cursor() as cursor:
        for ids in chunks(record_ids):
            cursor.execute(sql + f"({', '.join(['%s'] * len(ids))})", ids)


def _link_table(name):
    """Return the link model of many-to-many field ``name`` and its two id columns."""
    relation = Listing._meta.get_field(name)
    through = relation.remote_field.through
    return through, f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"
