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
