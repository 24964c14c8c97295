"""Creating accounts with a role, and their API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.crypto import salted_hmac

from .models import ApiToken, User
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


def token_sha256(key):
    """The stored form of an API token's key."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def password_fingerprint(user):
    """A keyed hash of the user's password hash: it changes with the password (as
    Django's session hash does), and reveals nothing about it."""
    return salted_hmac(
        "accounts.ApiToken.password", user.password, algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def issue_api_token(*, user):
    """A new API token for `user`, replacing any old one; returns the key, which is
    not stored and cannot be shown again."""
    key = secrets.token_hex(20)
    ApiToken.objects.filter(user=user).delete()
    ApiToken.objects.create(
        user=user,
        key_sha256=token_sha256(key),
        password_fingerprint=password_fingerprint(user),
    )
    return key
