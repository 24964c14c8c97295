"""The role groups a data migration made are there after any flush. In a module of
its own: a flush inside another module's open module-wide transaction (its demo
data) would empty that module's data too."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import ROLES as GROUPS


@pytest.mark.django_db(transaction=True)
def test_the_role_groups_come_back_after_a_flush():
    """A data migration made the role groups; a flush (as transactional tests do
    between tests) empties every table, and post_migrate makes them again."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)

    for name, permissions in GROUPS.values():
        group = Group.objects.get(name=name)
        granted = {
            f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()
        }
        assert granted == set(permissions)


@pytest.mark.django_db
def test_groups_the_admins_changed_are_left_as_they_are():
    """Where any group exists, post_migrate touches nothing: a role group an admin
    trimmed or deleted stays so after the next migrate."""
    from accounts.apps import ensure_roles

    auditors = Group.objects.get(name=GROUPS["auditor"][0])
    auditors.permissions.clear()
    Group.objects.filter(name=GROUPS["civil-servant"][0]).delete()

    ensure_roles(sender=None)

    assert not auditors.permissions.exists()
    assert not Group.objects.filter(name=GROUPS["civil-servant"][0]).exists()
