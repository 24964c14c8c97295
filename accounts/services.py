"""Creating accounts with a role, for the management commands and the demo."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import ROLES, STAFF_ROLES


@transaction.atomic
def create_user_with_role(*, username, role, password, email="", departments=()):
    """A user in the role's group; programme admins are staff (the admin is their
    tool) and edit only `departments`."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    if User.objects.filter(username=username).exists():
        raise ValueError(f"A user called {username!r} already exists.")
    user = User(username=username, email=email, is_staff=role in STAFF_ROLES)
    user.set_password(password)
    user.full_clean()
    user.save()
    group_name, _ = ROLES[role]
    user.groups.add(Group.objects.get(name=group_name))
    if departments:
        user.departments.set(departments)
    return user
