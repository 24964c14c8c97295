"""Every way the admin deletes asks why and the history keeps it, or leads to the
deliberate "delete with everything it holds" page, which refuses cleanly while
something protected still refers to the programme."""

import html

import pytest
from django.db import connection

from programmes.models import DepartmentAlias, FinancialFigure, Milestone, Programme

from .admin_forms import changeform_data


@pytest.fixture
def superuser_client(client, world):
    client.force_login(world.users["superuser"])
    return client


@pytest.mark.django_db
def test_there_is_no_bulk_delete(superuser_client, world):
    milestone = world.a.milestone

    page = superuser_client.get("/admin/programmes/milestone/")
    superuser_client.post(
        "/admin/programmes/milestone/",
        {
            "action": "delete_selected",
            "_selected_action": [milestone.pk],
            "post": "yes",
        },
    )

    assert "delete_selected" not in page.content.decode()
    assert Milestone.objects.filter(pk=milestone.pk).exists()


@pytest.mark.django_db
def test_the_delete_page_asks_why_and_the_history_keeps_it(superuser_client, world):
    milestone = world.a.milestone
    url = f"/admin/programmes/milestone/{milestone.pk}/delete/"

    page = superuser_client.get(url)
    without = superuser_client.post(url, {"post": "yes"}, follow=True)
    still_there = Milestone.objects.filter(pk=milestone.pk).exists()
    superuser_client.post(url, {"post": "yes", "reason": "Entered twice"})

    assert 'name="reason"' in page.content.decode()
    assert "give the reason for deleting it" in without.content.decode()
    assert still_there
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    deleted = Milestone.history.filter(id=milestone.pk).latest()
    assert deleted.history_type == "-"
    assert deleted.history_change_reason == "Deleted: Entered twice"
    assert deleted.history_user == world.users["superuser"]


@pytest.mark.django_db
def test_a_programme_is_deleted_only_by_the_deliberate_page(superuser_client, world):
    programme = world.a.programme

    response = superuser_client.post(
        f"/admin/programmes/programme/{programme.pk}/delete/",
        {"post": "yes", "reason": "Gone"},
    )

    assert response.status_code == 302
    assert response.url.endswith(f"/programme/{programme.pk}/delete-everything/")
    assert Programme.objects.filter(pk=programme.pk).exists()


@pytest.mark.django_db
def test_an_inline_deletion_keeps_the_reason(superuser_client, world):
    department = world.a.department
    url = f"/admin/programmes/department/{department.pk}/change/"
    page = superuser_client.get(url)
    data = changeform_data(page, change_reason="Alias never used")
    data["aliases-0-DELETE"] = "on"

    response = superuser_client.post(url, data)

    assert response.status_code == 302
    assert not DepartmentAlias.objects.filter(department=department).exists()
    deleted = DepartmentAlias.history.filter(department=department).latest()
    assert deleted.history_type == "-"
    assert deleted.history_change_reason == "Deleted: Alias never used"


@pytest.mark.django_db
def test_delete_everything_refuses_while_another_programme_names_its_benefit(
    superuser_client, world
):
    # Only rows written past the checks can do this: SQLite has no constraint for
    # it, and on PostgreSQL the foreign key must be deferred to plant the row.
    programme = world.a.programme
    planted = world.b.financialfigure
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS figure_benefit_same_programme DEFERRED")
    FinancialFigure.objects.filter(pk=planted.pk).update(
        measure="benefit", benefit=world.a.benefit
    )

    planted.refresh_from_db()

    response = superuser_client.post(
        f"/admin/programmes/programme/{programme.pk}/delete-everything/",
        {"confirm_name": programme.name, "reason": "Closed"},
    )

    assert response.status_code == 200
    assert (
        f"Nothing was deleted: {programme.name} is still referred to by financial "
        f"figure “{planted}” (id {planted.pk})"
    ) in html.unescape(response.content.decode())
    assert Programme.objects.filter(pk=programme.pk).exists()
    assert programme.figures.count() == 1
    FinancialFigure.objects.filter(pk=planted.pk).update(measure="cost", benefit=None)


@pytest.mark.django_db
def test_delete_everything_deletes_with_the_reason(superuser_client, world):
    programme = world.a.programme

    response = superuser_client.post(
        f"/admin/programmes/programme/{programme.pk}/delete-everything/",
        {"confirm_name": programme.name, "reason": "Closed"},
    )

    assert response.status_code == 302
    assert not Programme.objects.filter(pk=programme.pk).exists()
    gone = Programme.history.filter(id=programme.pk).latest()
    assert gone.history_change_reason == "Programme deleted: Closed"
