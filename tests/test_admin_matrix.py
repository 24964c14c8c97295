"""Every model in the admin, for every role: the changelist, the change page, the
history list and an old version, for a row of department A and one of department
B, and a POST to the old version that must change nothing."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.forms.models import model_to_dict
from simple_history.admin import SimpleHistoryAdmin

from .two_departments import ROLES

# Reads what pages say, never the context they were rendered with.
pytestmark = pytest.mark.usefixtures("plain_templates")

NOT_STAFF = {"civil-servant", "auditor", "no-role"}
# Read by every department in the admin, changed only where they touch the user's.
SHARED = {"source", "disruption", "fact", "department", "importedfile"}


def _objects(world, model):
    """The (department A, department B) rows of `model`; one row twice where the
    model has no department (accounts, groups, tokens), none for sign-in logs."""
    name = model._meta.model_name
    if hasattr(world.a, name):
        return getattr(world.a, name), getattr(world.b, name)
    if name == "user":
        return world.users["programme-admin"], world.users["superuser"]
    row = model.objects.order_by("pk").first()
    return (row, row) if row is not None else ()


def _expected(role, model, kind, side):
    if role in NOT_STAFF:
        return 302  # the admin sends them to sign in, whatever the method
    if kind == "post-version":
        return 405
    if role == "superuser":
        return 200
    name = model._meta.model_name
    if model._meta.app_label != "programmes":
        return 403  # programme admins have no permission on accounts or sign-ins
    mine = role == "programme-admin" and side == "A"
    if kind == "changelist" or mine:
        return 200
    if kind == "change" and name in SHARED:
        return 200
    # Another department's record: refused, saying whose it is (not "not found");
    # history and old versions follow the same scope.
    return 403


def _snapshot():
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("programmes").get_models()
    }


def _tampered_post(obj):
    data = {
        key: ("" if value is None else value)
        for key, value in model_to_dict(obj).items()
        if not isinstance(value, list)
    }
    for field in obj._meta.concrete_fields:
        if (
            field.get_internal_type() in {"CharField", "TextField"}
            and not field.choices
        ):
            data[field.name] = "tampered"
            break
    return {**data, "change_reason": "planted through an old version"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_admin_model_for_every_role(client, world, role):
    client.force_login(world.users[role])
    before = _snapshot()

    wrong = {}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"/admin/{opts.app_label}/{opts.model_name}/"
        urls = [("changelist", "-", None, prefix)]
        for side, obj in zip("AB", _objects(world, model), strict=False):
            urls += [
                ("change", side, None, f"{prefix}{obj.pk}/change/"),
                ("history", side, None, f"{prefix}{obj.pk}/history/"),
            ]
            if isinstance(model_admin, SimpleHistoryAdmin):
                version = obj.history.order_by("history_id").first().history_id
                old = f"{prefix}{obj.pk}/history/{version}/"
                urls += [
                    ("version", side, None, old),
                    ("post-version", side, _tampered_post(obj), old),
                ]
        for kind, side, post, url in urls:
            response = client.get(url) if post is None else client.post(url, post)
            expected = _expected(role, model, kind, side)
            if response.status_code != expected:
                wrong[f"{kind} {url}"] = (response.status_code, expected)

    assert wrong == {}, "(got, expected)"
    assert _snapshot() == before
