"""Cached page data that is never stale: every write to the register bumps the one
DataVersion row in its own transaction, and cached figures are keyed by that
version, read with one cheap query per request. An app server whose cache holds an
older version's figures simply never asks for them again, so any number of servers,
each with its own cache, show the last committed edit at once."""

import uuid

from django.core.cache import cache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import DataVersion

# Rows of these apps are what the pages show; sessions, users and the export log
# are not, and must not throw the figures away on every sign-in.
TRACKED_APPS = {"programmes"}
UNTRACKED = {"ExportLog", "DataVersion"}
ROW = 1
TIMEOUT = 60 * 60  # an unread version's entries age out of a per-process cache


def _table():
    return connection.ops.quote_name(DataVersion._meta.db_table)


def bump():
    """Moves the version on, inside the caller's transaction: the row lock makes
    concurrent writers take turns, and readers see the new number exactly when the
    write commits. Creates the row on first use."""
    token = uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table()} SET version = version + 1, token = %s WHERE id = %s",
            [token, ROW],
        )
        if cursor.rowcount == 0:
            DataVersion.objects.get_or_create(
                pk=ROW, defaults={"version": 1, "token": token}
            )


def current():
    """The committed version's token: one primary-key read."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {_table()} WHERE id = %s", [ROW])
        row = cursor.fetchone()
    return row[0] if row else ""


def cached(name, build, *key):
    """`build()`'s result for this data version, built once per version per cache.
    The version is read before the data, so an entry holds figures at least as new
    as its version, never older."""
    version = current()
    if not version:  # no version row yet (a flushed database): nothing to key by
        return build()
    cache_key = ":".join(["tt", version, name, *map(str, key)])
    value = cache.get(cache_key)
    if value is None:
        value = build()
        cache.set(cache_key, value, TIMEOUT)
    return value


def _tracked(sender):
    meta = sender._meta
    return meta.app_label in TRACKED_APPS and meta.object_name not in UNTRACKED


@receiver(post_save)
@receiver(post_delete)
def _row_written(sender, **kwargs):
    if _tracked(sender):
        bump()


@receiver(m2m_changed)
def _links_changed(sender, action, **kwargs):
    if action.startswith("post_") and _tracked(kwargs["instance"].__class__):
        bump()
