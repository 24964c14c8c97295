"""Exports on synthetic data only (no demo data in this module)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.models import FinancialFigure

from .exporting import _content, _csv, _xlsx
from .factories import FigureFactory, ProgrammeFactory, make_portfolio


@pytest.mark.django_db
def test_exports_are_safe_from_formula_injection(auditor_client, db):
    programme = ProgrammeFactory(name='=HYPERLINK("http://example.invalid")')
    FigureFactory(programme=programme, amount_gbp=Decimal("-0.00") + Decimal("5.00"))
    ProgrammeFactory(name="@SUM(A1)")

    _, rows = _csv(auditor_client.get("/reports/budget/?_export=csv"))
    workbook = _xlsx(auditor_client.get("/reports/budget/?_export=xlsx"))

    assert rows[0]["Programme"] == '\'=HYPERLINK("http://example.invalid")'
    values = [c for row in workbook["Data"].iter_rows(values_only=True) for c in row]
    assert '\'=HYPERLINK("http://example.invalid")' in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "@")) for v in values)


@pytest.mark.django_db
def test_negative_numbers_stay_numbers_and_empty_stays_empty(auditor_client, db):
    programme = ProgrammeFactory()
    FigureFactory(programme=programme, kind="baseline", amount_gbp=Decimal("100.00"))
    FigureFactory(
        programme=programme,
        kind="forecast",
        amount_gbp=Decimal("60.50"),
        source=programme.figures.first().source,
    )

    _, rows = _csv(auditor_client.get("/reports/budget/?_export=csv"))
    workbook = _xlsx(auditor_client.get("/reports/budget/?_export=xlsx"))

    assert rows[0]["Variance (£)"] == "-39.50"
    assert rows[0]["Actual (£)"] == "[x]"
    assert rows[0]["Whole-life cost in that release (£)"] == "[x]"
    data = list(workbook["Data"].iter_rows(values_only=True))
    variance = data[1][data[0].index("Variance (£)")]
    assert variance == pytest.approx(-39.5)
    assert isinstance(variance, float)
    assert data[1][data[0].index("Actual (£)")] == "[x]"


@pytest.mark.django_db
def test_export_queries_do_not_grow_with_rows(auditor_client):
    make_portfolio(10)
    with CaptureQueriesContext(connection) as small:
        _content(auditor_client.get("/reports/budget/?_export=csv"))
    make_portfolio(700)  # 2,130 report rows
    with CaptureQueriesContext(connection) as large:
        response = auditor_client.get("/reports/budget/?_export=csv")
        _, rows = _csv(response)

    expected = (
        FinancialFigure.objects.filter(period="year", is_current=True)
        .values("programme", "financial_year")
        .distinct()
        .count()
    )
    assert len(rows) == expected + 1  # and the totals row
    assert expected > 2000
    assert (
        len(large) <= len(small) + 2
    )  # a second chunk of the server-side cursor at most
    with CaptureQueriesContext(connection) as xlsx:
        _content(auditor_client.get("/reports/budget/?_export=xlsx"))
    assert len(xlsx) <= len(small) + 2


@pytest.mark.django_db
def test_budget_page_queries_do_not_grow_with_rows(auditor_client):
    make_portfolio(5)
    auditor_client.get("/reports/budget/")
    with CaptureQueriesContext(connection) as small:
        auditor_client.get("/reports/budget/")
        auditor_client.get("/reports/changes/")
    make_portfolio(300)
    with CaptureQueriesContext(connection) as large:
        auditor_client.get("/reports/budget/")
        auditor_client.get("/reports/changes/")

    assert len(large) == len(small)


# = ["ChangeLogEntry", "datetime"]


@pytest.mark.django_db
def test_copy_export_equals_the_python_export_cell_for_cell(auditor_client):
    """On PostgreSQL the CSV comes from COPY; it must be the same file, to the cell,
    as the row-by-row writer makes (which SQLite uses)."""
    from django.db import connection

    from programmes import exports
    from programmes.budget import BUDGET_COLUMNS
    from programmes.reports import budget_copy_sql, budget_query

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    make_portfolio(30)
    programme = ProgrammeFactory(name="=cmd|' /C calc'!A0")
    FigureFactory(programme=programme, kind="baseline", amount_gbp=Decimal("10.005"))
    withheld = ProgrammeFactory(name="Withheld programme")
    FigureFactory(
        programme=withheld,
        kind="forecast",
        amount_gbp=None,
        withheld_text="Exempt under Section 43",
    )
    query = budget_query()

    def report():
        return exports.Report(
            title="Budget report",
            slug="budget-report",
            columns=BUDGET_COLUMNS,
            lines=query.lines,
            header=lambda: [("Report", "Budget report")],
            totals=lambda: [t.download(BUDGET_COLUMNS) for t in query.totals()],
        )

    streamed = exports.csv_response(report(), filename="a", on_done=lambda n: None)
    copied = exports.copy_csv_response(
        report(),
        copy_sql=budget_copy_sql(query),
        db_count=query.count,
        filename="b",
        on_done=lambda n: None,
    )

    python_rows = _csv(streamed)[1]
    copy_rows = _csv(copied)[1]
    assert copy_rows == python_rows
    assert any(r["Programme"] == "'=cmd|' /C calc'!A0" for r in copy_rows)
    assert any(r["Forecast (£)"] == "[c]" for r in copy_rows)
    assert any(
        r["Withheld, as published"] == "Forecast: Exempt under Section 43"
        for r in copy_rows
    )
