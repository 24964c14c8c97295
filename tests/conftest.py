import fcntl
import io
import os
import pickle
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection, transaction

from programmes import budget_lines, summaries

from .factories import UserFactory

# Playwright's sync API runs an event loop; the browser tests' ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin-tester", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


class DemoSnapshot:
    """The demo data, loaded once per session. On the in-memory SQLite test
    database the whole database is copied (sqlite3's backup API, milliseconds)
    with and without the demo data, so a module gets the data by copying the one
    in and drops it by copying the other back."""

    def __init__(self, shared=None):
        self.counter = None
        self.clean = self.loaded = None
        # Under pytest-xdist, a directory every worker of this run sees: the first
        # worker to need the demo data loads it and leaves the database there; the
        # others copy it in (its tables hold their own content types and
        # permissions, so it does not matter which worker made it).
        self.shared = shared

    @staticmethod
    def copyable():
        return connection.vendor == "sqlite" and connection.is_in_memory_db()

    def _copy(self, source, target):
        source.backup(target)

    def take(self):
        connection.ensure_connection()
        self.clean = sqlite3.connect(":memory:")
        self._copy(connection.connection, self.clean)
        self.loaded = sqlite3.connect(":memory:")
        if self.shared is None:
            self._load()
        else:
            with open(self.shared / "demo.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # one worker loads; the rest wait
                self._load_shared()
        self.put_back()

    def _load(self):
        from programmes.demo import load_demo_data

        self.counter = load_demo_data()
        self._copy(connection.connection, self.loaded)

    def _load_shared(self):
        database, counter = self.shared / "demo.sqlite3", self.shared / "demo.pickle"
        if counter.exists():
            with closing(sqlite3.connect(database)) as made:
                self._copy(made, self.loaded)
            self.counter = pickle.loads(counter.read_bytes())
            return
        self._load()
        with closing(sqlite3.connect(database)) as kept:
            self._copy(self.loaded, kept)
        counter.write_bytes(pickle.dumps(self.counter))  # written last: complete

    def put_in(self):
        """Copies the database with the demo data over the test database."""
        connection.ensure_connection()
        self._copy(self.loaded, connection.connection)
        _forget_content_types()

    def put_back(self):
        """Copies the database as it was before the demo data over it."""
        connection.ensure_connection()
        self._copy(self.clean, connection.connection)
        _forget_content_types()


def _forget_content_types():
    """A flush since the snapshot (a transactional test) made the content types
    again under new ids; the copied-in tables hold the snapshot's, so the ids
    Django keeps in memory are dropped."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


class PostgresDemoSnapshot:
    """PostgreSQL: the demo data loaded once per session in a transaction that is
    rolled back, every table kept as its COPY data; putting it in empties the
    tables and copies them back (a second, not a load of half a minute). Inside a
    transaction, rolling it back takes the data out again."""

    def __init__(self):
        self.counter = None
        self.tables = {}

    @staticmethod
    def copyable():
        return connection.vendor == "postgresql"

    @staticmethod
    def _quoted(table):
        return connection.ops.quote_name(table)

    def take(self):
        from programmes.demo import load_demo_data

        names = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        with transaction.atomic(), connection.cursor() as cursor:
            self.counter = load_demo_data()
            for table in names:
                if table == budget_lines.LINES:
                    # Emptied with the rest; the figures' triggers write it again.
                    self.tables[table] = None
                    continue
                data = io.BytesIO()
                cursor.cursor.copy_expert(f"COPY {self._quoted(table)} TO STDOUT", data)
                self.tables[table] = data.getvalue()
            transaction.set_rollback(True)

    def _copy_in(self, cursor, table, data):
        cursor.cursor.copy_expert(
            f"COPY {self._quoted(table)} FROM STDIN", io.BytesIO(data)
        )

    def put_in(self):
        from django.apps import apps
        from django.core.management.color import no_style

        # Foreign keys are deferred to the commit, so the order of tables is free.
        with transaction.atomic(), connection.cursor() as cursor:
            names = ", ".join(self._quoted(table) for table in self.tables)
            cursor.execute(f"TRUNCATE {names} CASCADE")
            for table, data in self.tables.items():
                if data is not None and table != summaries.SUMMARIES:
                    self._copy_in(cursor, table, data)
            # The programme summaries last: the figures' and ratings' triggers
            # wrote some as the tables came in (as far as the programmes had).
            cursor.execute(f"DELETE FROM {self._quoted(summaries.SUMMARIES)}")
            self._copy_in(cursor, summaries.SUMMARIES, self.tables[summaries.SUMMARIES])
            for sql in connection.ops.sequence_reset_sql(
                no_style(), apps.get_models(include_auto_created=True)
            ):
                cursor.execute(sql)
        _forget_content_types()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory, worker_id):
    # Each worker's base directory sits in the run's own, which they share.
    shared = None if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    snapshot = DemoSnapshot(shared)
    if not snapshot.copyable():
        snapshot = PostgresDemoSnapshot()
    if snapshot.copyable():
        with django_db_blocker.unblock():
            snapshot.take()
    return snapshot


@pytest.fixture(scope="module")
def demo_data_once(demo_snapshot, django_db_blocker):
    """The demo data for one test module; each test still runs in its own
    savepoint, and the module's end removes the data for the next module."""
    from programmes.demo import load_demo_data

    with django_db_blocker.unblock():
        if isinstance(demo_snapshot, DemoSnapshot) and demo_snapshot.copyable():
            demo_snapshot.put_in()
            yield demo_snapshot.counter
            demo_snapshot.put_back()
        else:
            with transaction.atomic():
                if demo_snapshot.copyable():
                    demo_snapshot.put_in()
                    yield demo_snapshot.counter
                else:
                    yield load_demo_data()
                transaction.set_rollback(True)


@pytest.fixture
def demo_data(demo_data_once, db):
    return demo_data_once


@pytest.fixture
def plain_templates(monkeypatch):
    """Templates render as they do in service, not through the test runner's
    instrumented render, which sends a signal and copies the context for every
    template and include (a tenth of a page's time, more on admin forms). For the
    modules that read what a page says, never the context it was rendered with
    (response.context is then None, so a test that reads it fails, not passes)."""
    from django.template import Template
    from django.test.utils import _TestState

    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for a browser test module; each test opens its own
    context in it (tests.browser.browser_page)."""
    from .browser import running_chromium

    with running_chromium() as browser:
        yield browser


@pytest.fixture
def demo_site(live_server, demo_snapshot):
    """A live server's URL, its database holding the demo data: copied in on the
    in-memory SQLite test database (the server thread shares this connection) and
    on PostgreSQL (committed, table by table), loaded afresh on any other. The
    test's end flushes it either way."""
    from programmes.demo import load_demo_data

    if demo_snapshot.copyable():
        demo_snapshot.put_in()  # PostgreSQL: committed, for the server's connection
    else:
        load_demo_data()
    return live_server.url


@pytest.fixture
def auditor_client(client, db):
    from accounts.services import create_user_with_role

    user = create_user_with_role(
        username="auditor", role="auditor", password="a-long-test-password-1"
    )
    client.force_login(user)
    return client


@pytest.fixture
def world(db):
    """Departments A and B, one of every register row each, one user per role."""
    from .two_departments import make_world

    return make_world()


@pytest.fixture
def admin_a(client, world):
    """Signed in as the programme admin of department A."""
    client.force_login(world.users["programme-admin"])
    return client
