"""Honest gaps and one definition per figure, on small synthetic data (no demo
data in this module, so nothing else is in the database)."""

import re
from decimal import Decimal

import pytest

from programmes import services

from .exporting import _csv
from .factories import DepartmentFactory, FigureFactory, ProgrammeFactory
from .reading import _exact, _headline, _spend


@pytest.mark.django_db
def test_spend_to_date_is_the_same_on_the_portfolio_and_the_programme_page(
    auditor_client,
):
    programme = ProgrammeFactory()
    _spend(
        programme,
        [
            ("actual", "year", 2019, Decimal("100")),
            ("actual", "year", 2020, Decimal("200")),
            ("actual", "to_date", None, Decimal("300")),
        ],
    )

    portfolio = auditor_client.get("/").content.decode()
    page = auditor_client.get(f"/programmes/{programme.slug}/").content.decode()

    assert _headline(portfolio, "spend-to-date") == Decimal("300")
    assert _exact(page, "spend-to-date") == Decimal("300")


@pytest.mark.django_db
def test_total_variance_adds_only_the_rows_with_both_figures(auditor_client):
    both, alone = ProgrammeFactory(), ProgrammeFactory()
    baseline = FigureFactory(programme=both, kind="baseline", amount_gbp=100)
    FigureFactory(
        programme=both, kind="forecast", amount_gbp=110, source=baseline.source
    )
    FigureFactory(
        programme=alone, kind="forecast", amount_gbp=50, source=baseline.source
    )

    page = auditor_client.get("/reports/budget/").content.decode()
    _, rows = _csv(auditor_client.get("/reports/budget/?_export=csv"))
    api = auditor_client.get("/api/v1/budget-lines/").json()

    totals = next(r for r in rows if r["Department"].startswith("Total, "))
    assert totals["Variance (£)"] == "10.00"
    assert "from the 1 of 2 rows with both" in totals["Programme"]
    assert totals["Actual (£)"] == "[x]"
    assert "£10 (variance from the 1 of 2 rows with both" in page
    assert "Not reported (from 0 of 2 rows)" in page
    assert api["totals"][0]["variance_gbp"] == "10.00"
    assert api["totals"][0]["actual_gbp"] is None


@pytest.mark.django_db
def test_departments_with_no_benefits_say_not_reported_never_zero(auditor_client):
    department = DepartmentFactory(name="Department of Nothing Published")
    FigureFactory(
        programme=ProgrammeFactory(department=department),
        period="whole_life",
        financial_year=None,
    )

    listing = auditor_client.get("/departments/").content.decode()
    portfolio = auditor_client.get("/").content.decode()

    row = listing[listing.index("Department of Nothing Published") :]
    row = row[: row.index("</tr>")]
    assert "Not reported" in row
    assert "£0" not in row
    chart_csv = portfolio[portfolio.index("Department of Nothing Published") :]
    assert "£0" not in chart_csv[:400]
    assert _headline(portfolio, "benefits-baseline") is None
    assert "Not reported" in portfolio


@pytest.mark.django_db
def test_withheld_stays_withheld_in_page_csv_and_api(auditor_client):
    programme = ProgrammeFactory()
    FigureFactory(
        programme=programme,
        kind="forecast",
        amount_gbp=None,
        withheld_text="Exempt under Section 43 of FOIA",
    )

    page = auditor_client.get("/reports/budget/").content.decode()
    _, rows = _csv(auditor_client.get("/reports/budget/?_export=csv"))
    api = auditor_client.get("/api/v1/budget-lines/").json()["results"][0]
    programme_page = auditor_client.get(
        f"/programmes/{programme.slug}/"
    ).content.decode()

    assert "Withheld: “Exempt under Section 43 of FOIA”" in page
    assert "Withheld: “Exempt under Section 43 of FOIA”" in programme_page
    assert rows[0]["Forecast (£)"] == "[c]"
    assert rows[0]["Baseline (£)"] == "[x]"
    assert (
        rows[0]["Withheld, as published"] == "Forecast: Exempt under Section 43 of FOIA"
    )
    assert api["forecast_status"] == "withheld"
    assert api["forecast_withheld_text"] == "Exempt under Section 43 of FOIA"
    assert api["baseline_status"] == "not_reported"


@pytest.mark.django_db
def test_synthetic_charts_cite_their_synthetic_source(auditor_client):
    programme = ProgrammeFactory()
    FigureFactory(programme=programme)

    page = auditor_client.get(f"/programmes/{programme.slug}/").content.decode()

    assert "Synthetic data, generated for testing" in page
    sources = re.findall(r"data-testid=\"chart-source\">([^<]*)", page)
    assert sources
    assert not any("Government Major Projects" in s for s in sources)


@pytest.mark.django_db
def test_budget_lines_api_refuses_bad_filters_in_json(auditor_client, db):
    response = auditor_client.get("/api/v1/budget-lines/?financial_year=2020-22")

    assert response.status_code == 400
    assert "financial_year" in response.json()["errors"]


@pytest.mark.django_db
def test_derived_status_follows_a_new_release(db):
    counter = services.ChangeCount()
    programme = ProgrammeFactory()
    FigureFactory(programme=programme)

    services.derive_statuses(counter=counter, reason="test")
    programme.refresh_from_db()

    # Synthetic sources are not releases: nothing says it is in the GMPP.
    assert programme.status == ""
    assert programme.status_text.startswith("Not known")
