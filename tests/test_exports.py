"""Exports on synthetic data only (no demo data in this module)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programmes import exports, freshness, services
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
def test_xlsx_has_cover_notes_and_one_table_with_real_date_cells(auditor_client):
    figure = FigureFactory(
        amount_gbp=Decimal("-0.00") + Decimal("250.00"),
        data_date=datetime.date(2021, 3, 31),
    )

    workbook = _xlsx(auditor_client.get("/reports/budget/?_export=xlsx"))

    assert workbook.sheetnames == ["Cover", "Notes", "Data"]
    cover_sheet = workbook["Cover"]
    assert cover_sheet["A1"].value == "Budget report"
    cover = {r[0]: r[1] for r in cover_sheet.iter_rows(min_row=2, values_only=True)}
    data_date = cover["Data up to and including"]
    assert data_date.date() == datetime.date(2021, 3, 31)
    assert cover["Made by"] == "auditor"
    assert cover["Made at"]
    assert "Government Major Projects Portfolio" in cover["Source"]
    notes = list(workbook["Notes"].iter_rows(values_only=True))
    assert notes[0][0] == "Notes"
    assert [n[0] for n in notes[1:]] == list(range(1, len(notes)))
    data = workbook["Data"]
    header = [c.value for c in data[1]]
    assert [c.value for c in data[2]][header.index("Programme")] == (
        figure.programme.name
    )
    date_cell = data.cell(row=2, column=header.index("Data date (release)") + 1)
    assert date_cell.is_date
    assert date_cell.value.date() == datetime.date(2021, 3, 31)
    money_cell = data.cell(row=2, column=header.index("Baseline (£)") + 1)
    assert money_cell.value == 250
    assert money_cell.number_format == exports.MONEY_FORMAT
    assert data.max_row == 3  # the row and the totals row: nothing else on the sheet


@pytest.mark.django_db
def test_change_log_xlsx_holds_times_as_date_cells_in_uk_time(auditor_client):
    figure = FigureFactory(amount_gbp=Decimal("10.00"))
    services.correct_figure(figure=figure, amount_gbp=Decimal("12.00"), reason="typo")

    workbook = _xlsx(auditor_client.get("/reports/changes/?_export=xlsx"))

    data = workbook["Data"]
    header = [c.value for c in data[1]]
    when = data.cell(row=2, column=header.index("When") + 1)
    assert when.is_date
    made = timezone.localtime().replace(tzinfo=None)
    assert abs(when.value - made) < datetime.timedelta(minutes=5)


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
    def counts():
        """Queries of the pages just after a write (figures built afresh), then
        again (figures kept for this data version)."""
        freshness.bump()
        found = []
        for _ in ("after a write", "kept"):
            with CaptureQueriesContext(connection) as queries:
                auditor_client.get("/reports/budget/")
                auditor_client.get("/reports/changes/")
            found.append(len(queries))
        return found

    make_portfolio(5)
    auditor_client.get("/reports/budget/")  # the session and permissions
    small = counts()
    make_portfolio(300)
    large = counts()

    assert large == small
    assert small[1] < small[0]  # the kept figures are not read again


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
