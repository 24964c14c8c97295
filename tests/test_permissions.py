"""Every URL against every role: what each may do is enforced on the server."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from accounts.roles import ROLES as GROUPS
from accounts.services import create_user_with_role
from programmes.models import Department, FinancialFigure, Programme

from .factories import UserFactory

ANON, CIVIL, AUDITOR, ADMIN, SUPER = (
    "anonymous",
    "civil-servant",
    "auditor",
    "programme-admin",
    "superuser",
)
ROLES = [ANON, CIVIL, AUDITOR, ADMIN, SUPER]

# url template -> expected status for each role (302 = sent to sign in / away)
MATRIX = {
    "/": (302, 200, 200, 200, 200),
    "/departments/": (302, 200, 200, 200, 200),
    "/departments/ministry-of-justice/": (302, 200, 200, 200, 200),
    "/programmes/": (302, 200, 200, 200, 200),
    "/programmes/hmcts-reform/": (302, 200, 200, 200, 200),
    "/programmes/hmcts-reform/?download=years": (302, 200, 200, 200, 200),
    "/disruptions/": (302, 200, 200, 200, 200),
    "/disruptions/eu-exit/": (302, 200, 200, 200, 200),
    "/releases/": (302, 200, 200, 200, 200),
    "/releases/compare/": (302, 200, 200, 200, 200),
    "/releases/compare/?from=2024-03-31&to=2025-03-31&_export=csv": (
        302,
        200,
        200,
        200,
        200,
    ),
    "/reports/budget/": (302, 200, 200, 200, 200),
    "/reports/budget/?_export=csv": (302, 403, 200, 403, 200),
    "/reports/budget/?_export=xlsx": (302, 403, 200, 403, 200),
    "/reports/changes/": (302, 403, 200, 403, 200),
    "/reports/changes/?_export=csv": (302, 403, 200, 403, 200),
    "/reports/changes/?_export=xlsx": (302, 403, 200, 403, 200),
    "/reports/exports/": (302, 403, 200, 403, 200),
    "/admin/": (302, 302, 302, 200, 200),
    "/admin/programmes/programme/": (302, 302, 302, 200, 200),
    "/admin/programmes/programme/{moj}/change/": (302, 302, 302, 200, 200),
    "/admin/programmes/programme/{dwp}/change/": (302, 302, 302, 403, 200),
    "/admin/programmes/programme/{moj}/history/": (302, 302, 302, 200, 200),
    "/admin/programmes/financialfigure/{moj_figure}/rebaseline/": (
        302,
        302,
        302,
        200,
        200,
    ),
    "/admin/programmes/financialfigure/{dwp_figure}/rebaseline/": (
        302,
        302,
        302,
        403,
        200,
    ),
    "/admin/programmes/department/": (302, 302, 302, 200, 200),
    "/admin/accounts/user/": (302, 302, 302, 403, 200),
    "/accessibility/": (200, 200, 200, 200, 200),
}


def _user(role):
    if role == ANON:
        return AnonymousUser()
    if role == SUPER:
        return UserFactory(username="matrix-super", is_staff=True, is_superuser=True)
    departments = Department.objects.filter(abbreviation="MOJ") if role == ADMIN else ()
    return create_user_with_role(
        username=f"matrix-{role}",
        role=role,
        password="a-long-test-password-1",
        departments=departments,
    )


def _ids():
    moj = Programme.objects.get(slug="hmcts-reform")
    dwp = Programme.objects.get(slug="universal-credit")
    return {
        "moj": moj.pk,
        "dwp": dwp.pk,
        "moj_figure": FinancialFigure.objects.filter(
            programme=moj, kind="baseline", is_current=True
        )
        .first()
        .pk,
        "dwp_figure": FinancialFigure.objects.filter(
            programme=dwp, kind="baseline", is_current=True
        )
        .first()
        .pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_url_for_every_role(client, demo_data, role):
    user = _user(role)
    if role != ANON:
        client.force_login(user)
    ids = _ids()

    results = {}
    for template, expected in MATRIX.items():
        url = template.format(**ids)
        response = client.get(url)
        results[url] = (response.status_code, expected[ROLES.index(role)])

    wrong = {url: got for url, got in results.items() if got[0] != got[1]}
    assert wrong == {}, "(got, expected)"


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in_not_shown_anything(client, demo_data):
    response = client.get("/reports/budget/?_export=csv")

    assert response.status_code == 302
    assert response.url == "/sign-in/?next=/reports/budget/%3F_export%3Dcsv"


@pytest.mark.django_db
def test_a_user_with_no_role_sees_nothing(client, demo_data):
    client.force_login(UserFactory(username="no-role"))

    assert client.get("/").status_code == 403
    assert client.get("/reports/budget/").status_code == 403


@pytest.mark.django_db
def test_civil_servant_sees_no_export_or_change_log_links(client, demo_data):
    client.force_login(_user(CIVIL))

    page = client.get("/reports/budget/").content.decode()

    assert "_export=csv" not in page
    assert "Change log" not in page


@pytest.mark.django_db
def test_programme_admin_cannot_edit_another_departments_figure(client, demo_data):
    client.force_login(_user(ADMIN))
    dwp_figure = FinancialFigure.objects.filter(
        programme__slug="universal-credit"
    ).first()
    before = dwp_figure.amount_gbp

    response = client.post(
        f"/admin/programmes/financialfigure/{dwp_figure.pk}/change/",
        {"amount_gbp": "1.00", "change_reason": "attempt"},
    )

    dwp_figure.refresh_from_db()
    assert response.status_code == 403
    assert dwp_figure.amount_gbp == before


@pytest.mark.django_db
def test_programme_admin_cannot_move_a_programme_to_another_department(
    client, demo_data
):
    client.force_login(_user(ADMIN))
    programme = Programme.objects.get(slug="hmcts-reform")
    dwp = Department.objects.get(abbreviation="DWP")

    page = client.get(f"/admin/programmes/programme/{programme.pk}/change/")
    add_page = client.get("/admin/programmes/programme/add/")
    choices = add_page.context["adminform"].form.fields["department"].queryset

    # Moving a programme needs a superuser: the field is read-only here, and a new
    # programme can go only to the admin's own departments.
    assert "department" not in page.context["adminform"].form.fields
    assert list(choices) == list(Department.objects.filter(abbreviation="MOJ"))
    assert dwp not in choices


@pytest.mark.django_db
def test_programme_admin_cannot_delete(client, demo_data):
    client.force_login(_user(ADMIN))
    programme = Programme.objects.get(slug="hmcts-reform")

    response = client.post(
        f"/admin/programmes/programme/{programme.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert Programme.objects.filter(pk=programme.pk).exists()


@pytest.mark.django_db
def test_a_role_taken_away_applies_to_the_next_request(client):
    """Permissions are read afresh for every request (in one statement, by
    accounts.backends): nothing kept between requests can outlive a removed role."""
    user = create_user_with_role(
        username="leaver", role="auditor", password="a-long-test-password-1"
    )
    client.force_login(user)
    assert client.get("/reports/changes/").status_code == 200
    assert b"Change log" in client.get("/").content

    user.groups.remove(Group.objects.get(name=GROUPS["auditor"][0]))

    assert client.get("/reports/changes/").status_code == 403
    assert client.get("/").status_code == 403


@pytest.mark.django_db
def test_the_one_statement_reads_the_same_permissions_as_django(client):
    from django.contrib.auth.backends import ModelBackend as DjangoBackend
    from django.contrib.auth.models import Permission

    from accounts.backends import ModelBackend

    user = create_user_with_role(
        username="mixed", role="programme-admin", password="a-long-test-password-1"
    )
    user.user_permissions.add(Permission.objects.get(codename="view_change_log"))
    for role in ("civil-servant", "auditor"):
        user.groups.add(Group.objects.get(name=GROUPS[role][0]))
    user = type(user).objects.get(pk=user.pk)
    ours = ModelBackend().get_all_permissions(user)
    user = type(user).objects.get(pk=user.pk)

    assert ours == DjangoBackend().get_all_permissions(user)
    assert "programmes.view_change_log" in ours
    assert len(ours) > 10


@pytest.mark.django_db
def test_the_prepared_user_lookup_reads_the_user_as_django_does():
    from django.contrib.auth.backends import ModelBackend as DjangoBackend

    from accounts.backends import ModelBackend

    user = create_user_with_role(
        username="reader", role="auditor", password="a-long-test-password-1"
    )
    ours, theirs = ModelBackend().get_user(user.pk), DjangoBackend().get_user(user.pk)
    # raw() skips the default manager's queryset: it must hide no user.
    assert not type(user)._default_manager.all().query.where

    fields = [f.attname for f in type(user)._meta.concrete_fields]
    assert [getattr(ours, f) for f in fields] == [getattr(theirs, f) for f in fields]
    assert ours.get_deferred_fields() == set()  # no column left to a later query
    assert ModelBackend().get_user(user.pk + 1000) is None
    user.is_active = False
    user.save()
    assert ModelBackend().get_user(user.pk) is None


@pytest.mark.django_db
def test_a_session_is_read_as_django_reads_it_and_ends_when_it_expires(client):
    import datetime

    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from accounts.sessions import SessionStore

    user = create_user_with_role(
        username="sessions", role="auditor", password="a-long-test-password-1"
    )
    client.force_login(user)
    key = client.session.session_key
    assert client.get("/reports/changes/").status_code == 200
    assert SessionStore(key).load() == DjangoStore(key).load() != {}
    for junk in (None, "x" * 40, "short", "a'; --"):
        store = SessionStore(junk)
        assert store.load() == {}
        assert store.session_key is None

    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert SessionStore(key).load() == DjangoStore(key).load() == {}
    assert client.get("/reports/changes/").status_code == 302  # to sign in


@pytest.mark.django_db
def test_a_session_cookie_kept_from_before_signing_out_or_in_again_signs_nobody_in(
    client,
):
    from django.conf import settings
    from django.test import Client

    create_user_with_role(
        username="careful", role="auditor", password="a-long-test-password-1"
    )
    client.get("/sign-in/")  # the form's CSRF token is kept in a session
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    answer = client.post(
        "/sign-in/", {"username": "careful", "password": "a-long-test-password-1"}
    )
    assert answer.status_code == 302
    signed_in = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert signed_in != before  # a key known before signing in is worth nothing
    fixed = Client()
    fixed.cookies[settings.SESSION_COOKIE_NAME] = before
    assert fixed.get("/reports/changes/").status_code == 302
    assert client.get("/reports/changes/").status_code == 200

    client.post("/sign-out/")
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = signed_in

    assert stolen.get("/reports/changes/").status_code == 302  # to sign in
    assert client.get("/reports/changes/").status_code == 302
