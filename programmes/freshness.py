"""Cached page data that is never stale: every write to the register bumps the one
DataVersion row in its own transaction, and cached figures are keyed by that
version, read with one cheap query per request. An app server whose cache holds an
older version's figures simply never asks for them again, so any number of servers,
each with its own cache, show the last committed edit at once."""

import hashlib
import threading
import uuid

from django.core.cache import InvalidCacheBackendError, cache, caches
from django.core.cache.utils import make_template_fragment_key
from django.core.exceptions import EmptyResultSet
from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver
from django.http import Http404
from django.utils.safestring import mark_safe
from django_tables2.data import TableQuerysetData

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
    _request.token = None  # this request now reads its own write's version
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
    """The committed version's token: one primary-key read, once per request, so
    every part of a page (the view's figures, a template's kept fragment) is keyed
    by the same version even if a write commits half way through."""
    token = getattr(_request, "token", None)
    if token is None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT token FROM {_table()} WHERE id = %s", [ROW])
            row = cursor.fetchone()
        token = row[0] if row else ""
        if getattr(_request, "active", False):
            _request.token = token
    return token


def kept_fragment(name, *vary_on):
    """The HTML a template's `{% cache … name data_version *vary_on %}` keeps for
    the committed version, or None. A view that finds it skips building what the
    fragment shows: the same address already built it, checks passed, at this
    version."""
    key = make_template_fragment_key(name, [fragment_version(), *vary_on])
    try:
        fragments = caches["template_fragments"]
    except InvalidCacheBackendError:
        fragments = caches["default"]
    html = fragments.get(key)
    return None if html is None else mark_safe(html)  # noqa: S308 (our own render)


def fragment_version():
    """The version for a template's kept fragment; with no version row (a flushed
    database) a fresh one each time, so nothing is kept."""
    return current() or uuid.uuid4().hex


# The version read once per request (reset at each request's start and end).
_request = threading.local()


@receiver(request_started)
@receiver(request_finished)
def _new_request(sender, **kwargs):
    _request.token = None
    _request.active = kwargs.get("environ") is not None or "scope" in kwargs


def cached(name, build, *key):
    """`build()`'s result for this data version, built once per version per cache.
    The version is read before the data, so an entry holds figures at least as new
    as its version, never older."""
    version = current()
    if not version:  # no version row yet (a flushed database): nothing to key by
        return build()
    detail = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    cache_key = f"tt:{version}:{name}:{detail}"
    value = cache.get(cache_key)
    if value is None:
        value = build()
        cache.set(cache_key, value, TIMEOUT)
    return value


def kept_or_404(model, **lookup):
    """get_object_or_404, kept per data version: a page's row is read from the
    database once per version, not on every request for the page."""
    found = cached(
        f"row:{model._meta.label}",
        lambda: model._default_manager.filter(**lookup).first(),
        sorted(lookup.items()),
    )
    if found is None:
        raise Http404(f"No {model._meta.verbose_name} matches the given query.")
    return found


def _tracked(sender):
    meta = sender._meta
    return meta.app_label in TRACKED_APPS and meta.object_name not in UNTRACKED


def lock_first():
    """Inside a transaction, takes the version row's lock before any row of the
    register is locked or written: every writer then takes its locks in the same
    order (version first), so two writers wait for each other in turn instead of
    each holding a row the other needs (a deadlock). Outside one, does nothing: a
    single statement holds no other lock to cross with."""
    if connection.in_atomic_block:
        bump()


@receiver(pre_save)
@receiver(pre_delete)
def _row_to_be_written(sender, **kwargs):
    if _tracked(sender):
        lock_first()


@receiver(post_save)
@receiver(post_delete)
def _row_written(sender, **kwargs):
    # Again after the write: outside a transaction the version must move after
    # the row did, or a reader could keep the old row under the new version.
    if _tracked(sender):
        bump()


@receiver(m2m_changed)
def _links_changed(sender, action, **kwargs):
    if action.startswith("post_") and _tracked(kwargs["instance"].__class__):
        bump()


def _query_key(queryset, scope):
    """A key naming exactly the rows a queryset reads: the caller's `scope` (what
    fixes its filters) with its ordering and slice, or else its SQL with the
    parameters in (which costs a compilation); None when it cannot be written out
    (an always-empty filter)."""
    query = queryset.query
    if scope is not None:
        return (scope, query.order_by, query.low_mark, query.high_mark)
    try:
        sql = str(query)
    except EmptyResultSet:
        return None
    return f"{queryset.db}:{sql}"


class KeptQuerysetData(TableQuerysetData):
    """django-tables2's queryset data whose count and pages are kept per data
    version: the key is the sorted, filtered query (or `scope`, when the caller
    knows what fixes the filters, with the sort and page), so another filter, sort
    or page is another entry."""

    def __init__(self, data, scope=None):
        super().__init__(data)
        self.scope = scope

    def __len__(self):
        if getattr(self, "_length", None) is None:
            key = _query_key(self.data, self.scope)
            if key is None:
                self._length = self.data.count()
            else:
                self._length = cached("count", self.data.count, key)
        return self._length

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return super().__getitem__(item)
        rows = self.data[item]
        key = _query_key(rows, self.scope)
        return list(rows) if key is None else cached("rows", lambda: list(rows), key)
