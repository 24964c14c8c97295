"""The user admin sets a programme admin's departments, and every change to an
account, its roles and departments is kept in its history (never its password)."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import AUDITORS, PROGRAMME_ADMINS
from accounts.services import create_user_with_role

from .factories import DepartmentFactory


@pytest.fixture
def bob(db):
    return create_user_with_role(
        username="bob", role="civil-servant", password="a-long-test-password-1"
    )


def _change_form_data(admin_client, user):
    form = (
        admin_client.get(f"/admin/accounts/user/{user.pk}/change/")
        .context["adminform"]
        .form
    )
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name == "password":
            continue
        if isinstance(value, list | tuple) or hasattr(value, "all"):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "strftime"):
            data[f"{name}_0"] = value.strftime("%Y-%m-%d")
            data[f"{name}_1"] = value.strftime("%H:%M:%S")
        else:
            data[name] = value
    return data


def test_an_admin_sets_roles_and_departments_and_the_history_keeps_them(
    admin_client, superuser, bob
):
    department = DepartmentFactory()
    data = _change_form_data(admin_client, bob)
    data["groups"] = [Group.objects.get(name=PROGRAMME_ADMINS).pk]
    data["departments"] = [department.pk]
    data["is_staff"] = "on"

    response = admin_client.post(f"/admin/accounts/user/{bob.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    bob.refresh_from_db()
    assert list(bob.departments.all()) == [department]
    latest = bob.history.order_by("-history_id").first()
    assert latest.history_user == superuser
    assert [d.department for d in latest.departments.all()] == [department]
    assert [g.group.name for g in latest.groups.all()] == [PROGRAMME_ADMINS]
    earlier = [
        h.groups.values_list("group__name", flat=True) for h in bob.history.all()
    ]
    assert any(list(names) == ["Civil servants"] for names in earlier)


def test_role_changes_outside_the_admin_are_kept_too(bob):
    bob.groups.add(Group.objects.get(name=AUDITORS))

    latest = bob.history.order_by("-history_id").first()

    assert set(latest.groups.values_list("group__name", flat=True)) == {
        "Civil servants",
        AUDITORS,
    }


def test_the_history_never_holds_a_password_and_sign_ins_add_none(client, bob):
    before = bob.history.count()

    client.post("/sign-in/", {"username": "bob", "password": "a-long-test-password-1"})

    bob.refresh_from_db()
    assert bob.last_login is not None
    assert bob.history.count() == before
    assert "password" not in {f.name for f in User.history.model._meta.fields}


def test_an_admin_sees_an_accounts_history(admin_client, bob):
    response = admin_client.get(f"/admin/accounts/user/{bob.pk}/history/")

    assert response.status_code == 200
