"""The database going away mid-run: pages answer 503 with a GOV.UK-styled page and
recover by themselves when it returns, with nothing lost. PostgreSQL only: the
connection runs through a TCP proxy on loopback that the test closes and reopens."""

import pytest
from django.db import connection
from django.test import Client

from accounts.services import create_user_with_role
from programmes.models import FinancialFigure

from .factories import make_portfolio
from .tcpproxy import Proxy


@pytest.fixture
def proxied_database(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the fault test runs on PostgreSQL (CI)")
    settings = connection.settings_dict
    original = (settings["HOST"], settings["PORT"])
    proxy = Proxy(settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432))
    connection.close()
    settings["HOST"], settings["PORT"] = "127.0.0.1", proxy.port
    yield proxy
    connection.close()
    settings["HOST"], settings["PORT"] = original
    proxy.cut()


@pytest.mark.django_db(transaction=True)
def test_pages_answer_503_while_the_database_is_away_and_recover(proxied_database):
    make_portfolio(5)
    client = Client(raise_request_exception=False)
    client.force_login(
        create_user_with_role(
            username="fault", role="civil-servant", password="a-long-test-password-1"
        )
    )
    figures = FinancialFigure.objects.count()
    assert client.get("/").status_code == 200
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}

    proxied_database.cut()
    away = [client.get(url) for url in ("/", "/programmes/", "/reports/budget/")]
    health = client.get("/healthz")

    for response in away:
        assert response.status_code == 503
        assert "Sorry, the service is unavailable" in response.content.decode()
        assert 'class="govuk-generic-header"' in response.content.decode()
    assert health.status_code == 503
    assert health.json()["database"] == "unreachable"

    proxied_database.restore()
    back = client.get("/")

    assert back.status_code == 200
    assert client.get("/healthz").status_code == 200
    assert FinancialFigure.objects.count() == figures
