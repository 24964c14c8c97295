import os
from pathlib import Path

import pytest
from django.db import transaction

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


@pytest.fixture(scope="module")
def demo_data_once(django_db_setup, django_db_blocker):
    """The demo data, loaded once per test module inside a transaction that is
    rolled back when the module ends; each test still runs in its own savepoint."""
    from programmes.demo import load_demo_data

    with django_db_blocker.unblock(), transaction.atomic():
        counter = load_demo_data()
        yield counter
        transaction.set_rollback(True)


@pytest.fixture
def demo_data(demo_data_once, db):
    return demo_data_once


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
