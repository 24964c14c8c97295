"""Chart CSV downloads (the Download tab of each chart card) are open to every
signed-in role by design: they hold the same numbers as the page's own table, unlike
the auditors' report exports with their header blocks, which stay auditor-only."""

import pytest

from accounts.services import create_user_with_role
from programmes.dashboards import portfolio_dashboard, programme_dashboard

from .factories import FigureFactory


@pytest.fixture
def programme(db):
    return FigureFactory(programme__slug="charted").programme


@pytest.mark.parametrize("role", ["civil-servant", "auditor", "programme-admin"])
def test_every_signed_in_role_downloads_chart_tables(client, programme, role):
    user = create_user_with_role(
        username="reader", role=role, password="a-long-test-password-1"
    )
    client.force_login(user)
    cards = [
        ("/", portfolio_dashboard().departments_card),
        ("/programmes/charted/", programme_dashboard(programme).years_card),
    ]

    for url, card in cards:
        response = client.get(url, {"download": card.slug})

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response.content.decode() == card.csv_text()


def test_chart_downloads_need_sign_in_and_a_role(client, programme):
    from .factories import UserFactory

    slug = portfolio_dashboard().departments_card.slug
    anonymous = client.get("/", {"download": slug})
    client.force_login(UserFactory(username="no-role"))
    no_role = client.get("/", {"download": slug})

    assert anonymous.status_code == 302
    assert no_role.status_code == 403


def test_report_exports_stay_auditor_only(client, programme):
    user = create_user_with_role(
        username="reader", role="civil-servant", password="a-long-test-password-1"
    )
    client.force_login(user)

    response = client.get("/reports/budget/", {"_export": "csv"})

    assert response.status_code == 403
