"""Cached page figures are never older than the last committed edit: every write
moves the data version in its own transaction, and every app server keys its cache
by that version."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import override_settings

from programmes import freshness
from programmes.models import FinancialFigure
from programmes.services import correct_figure
from programmes.synthetic import generate_portfolio

from .factories import FigureFactory

WHOLE_LIFE = {
    "period": FinancialFigure.Period.WHOLE_LIFE,
    "financial_year": None,
    "data_date": datetime.date(2022, 3, 31),
}


def _server(name):
    """One app server's own cache: a separate per-process store."""
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"server-{name}",
            }
        }
    )


def _whole_life_headline(client, url):
    page = client.get(url).content.decode()
    found = re.search(
        r'data-testid="headline-whole-life-cost"[^>]*data-exact="([^"]+)"', page
    )
    return None if found is None else Decimal(found[1])


@pytest.fixture
def figure(db):
    return FigureFactory(amount_gbp=Decimal("1000000.00"), **WHOLE_LIFE)


@pytest.mark.django_db
def test_a_service_edit_moves_the_version_and_shows_on_the_next_load(
    auditor_client, figure
):
    url = f"/departments/{figure.programme.department.slug}/"
    assert _whole_life_headline(auditor_client, url) == Decimal("1000000.00")
    before = freshness.current()

    correct_figure(figure=figure, reason="A typo", amount_gbp=Decimal("2500000.00"))

    assert freshness.current() != before
    assert _whole_life_headline(auditor_client, url) == Decimal("2500000.00")
    assert _whole_life_headline(auditor_client, "/") == Decimal("2500000.00")


@pytest.mark.django_db
def test_two_servers_with_their_own_caches_never_show_a_stale_figure(
    auditor_client, figure
):
    pages = ["/", f"/departments/{figure.programme.department.slug}/"]
    for amount in ("1000000.00", "1750000.00", "420.50"):
        if amount != "1000000.00":
            # The edit is made through server A; B has the older figures cached.
            with _server("a"):
                correct_figure(
                    figure=figure, reason="Re-keyed", amount_gbp=Decimal(amount)
                )
        for name in ("a", "b"):
            with _server(name):
                for url in pages:
                    assert _whole_life_headline(auditor_client, url) == Decimal(
                        amount
                    ), (name, url)


@pytest.mark.django_db
def test_bulk_writes_move_the_version_too(auditor_client, figure):
    assert _whole_life_headline(auditor_client, "/") == Decimal("1000000.00")
    before = freshness.current()
    generate_portfolio(programmes=2, seed=7, departments=1)
    assert freshness.current() != before
    assert _whole_life_headline(auditor_client, "/") > Decimal("1000000.00")


@pytest.mark.django_db
def test_a_rolled_back_write_never_lends_its_version_to_another(figure):
    """The token moves with a random value, so a version seen inside a transaction
    that rolled back is never the key of later, different figures."""
    from django.db import transaction

    seen = set()
    for _ in range(3):
        try:
            with transaction.atomic():
                freshness.bump()
                seen.add(freshness.current())
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    freshness.bump()
    assert freshness.current() not in seen
    assert len(seen) == 3


@pytest.mark.django_db
def test_kept_report_tables_show_an_edit_at_once_on_both_servers(auditor_client, db):
    """The budget report's and the change log's tables are kept as rendered HTML
    per data version and address: an edit through one server shows at once, in
    both tables, on a server that had kept the older tables."""
    yearly = FigureFactory(amount_gbp=Decimal("1234567.00"))
    for amount, shown in (("1234567.00", "1,234,567"), ("7654321.00", "7,654,321")):
        if amount != "1234567.00":
            with _server("a"):
                correct_figure(
                    figure=yearly,
                    reason="Re-keyed for the test",
                    amount_gbp=Decimal(amount),
                )
        for name in ("a", "b"):
            with _server(name):
                budget = auditor_client.get("/reports/budget/").content.decode()
                changes = auditor_client.get("/reports/changes/").content.decode()
                # In the table itself, not only the totals above it.
                assert shown in budget.split("<table", 1)[1], name
                if amount != "1234567.00":
                    assert "Re-keyed for the test" in changes.split("<table", 1)[1]


@pytest.mark.django_db
def test_a_kept_department_row_follows_a_rename_and_a_new_address(
    auditor_client, figure
):
    """The department page keeps its department row per version: a rename shows at
    once, and the old address answers 404 as soon as the slug moves."""
    department = figure.programme.department
    old = f"/departments/{department.slug}/"
    assert auditor_client.get(old).status_code == 200

    department.name = "Department for Renamed Things"
    department.slug = "renamed-things"
    department.save()

    assert auditor_client.get(old).status_code == 404
    page = auditor_client.get("/departments/renamed-things/").content.decode()
    assert "Department for Renamed Things" in page
