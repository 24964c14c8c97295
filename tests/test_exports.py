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

# Reads what pages say, never the context they were rendered with.
pytestmark = pytest.mark.usefixtures("plain_templates")


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
def test_xlsx_is_zipped_at_the_quickest_level_and_xlsxwriter_is_left_as_it_was(
    auditor_client,
):
    import io
    import zipfile
    import zlib

    import xlsxwriter.workbook

    make_portfolio(3)

    content = _content(auditor_client.get("/reports/budget/?_export=xlsx"))

    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile

    def packed(data, level):
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        return len(packer.compress(data) + packer.flush())

    with zipfile.ZipFile(io.BytesIO(content)) as package:
        sheets = [i for i in package.infolist() if i.filename.endswith(".xml")]
        for info in sheets:
            assert info.compress_size == packed(package.read(info), 1), info.filename
        largest = max(sheets, key=lambda i: i.file_size)
        assert packed(package.read(largest), 6) != largest.compress_size


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
    from programmes.reports import budget_copy_sql, budget_query, export_rows

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

    def report(**cells):
        return exports.Report(
            title="Budget report",
            slug="budget-report",
            columns=BUDGET_COLUMNS,
            lines=query.lines,
            header=lambda: [("Report", "Budget report")],
            totals=lambda: [t.download(BUDGET_COLUMNS) for t in query.totals()],
            **cells,
        )

    streamed = exports.csv_response(report(), filename="a", on_done=lambda n: None)
    # As the view streams it where there is no COPY (SQLite): escaped raw rows.
    raw = exports.csv_response(
        report(cells=lambda: export_rows(query, escape=True), safe_cells=True),
        filename="c",
        on_done=lambda n: None,
    )
    copied = exports.copy_csv_response(
        report(),
        copy_sql=budget_copy_sql(query),
        db_count=query.count,
        filename="b",
        on_done=lambda n: None,
    )

    python_rows = _csv(streamed)[1]
    copy_rows = _csv(copied)[1]
    assert copy_rows == python_rows == _csv(raw)[1]
    assert any(r["Programme"] == "'=cmd|' /C calc'!A0" for r in copy_rows)
    assert any(r["Forecast (£)"] == "[c]" for r in copy_rows)
    assert any(
        r["Withheld, as published"] == "Forecast: Exempt under Section 43"
        for r in copy_rows
    )


# Cells that test the XLSX data rows' markup: escapes, spaces kept, control
# characters, text like XlsxWriter's own escapes, formula starts, every number type
# and both date types.
TRICKY_ROWS = [
    ["Fish & <chips>", " leading", "trailing ", "tab\there", "line\nbreak"],
    ["bell\x07", "_x0041_ literal", "=SUM(A1:A2)", "-1 as text", "@handle"],
    [Decimal("1234567.89"), Decimal("-0.50"), Decimal("0.00"), 7, 2.5],
    [
        datetime.date(2021, 3, 31),
        datetime.datetime(2021, 7, 1, 8, 30, 15, tzinfo=datetime.UTC),
        None,
        True,
        "£ and ’quotes’",
    ],
]


def _data_sheet_xml(write_rows):
    """The Data sheet's XML of a workbook whose rows `write_rows(sheet, styles,
    formats)` writes after a heading row."""
    import io
    import zipfile

    import xlsxwriter

    handle = io.BytesIO()
    workbook = xlsxwriter.Workbook(handle, exports.XLSX_OPTIONS)
    styles = exports._xlsx_styles(workbook)
    data = exports._Sheet(workbook, "Data", styles)
    formats = [exports.MONEY_FORMAT, exports.PERCENT_FORMAT, None, None, None]
    data.write(["A", "B", "C", "D", "E"], bold=True)
    write_rows(data, styles, formats)
    data.write(["Total", Decimal("1.00")], formats[:2], bold=True)
    workbook.close()
    with zipfile.ZipFile(io.BytesIO(handle.getvalue())) as package:
        return package.read("xl/worksheets/sheet1.xml").decode()


def test_fast_sheet_rows_write_what_xlsxwriter_writes_cell_for_cell():
    """The data rows are written as sheet XML by _SheetRows, not XlsxWriter's
    per-cell calls: the sheet must come out byte for byte the same."""

    def one_by_one(data, styles, formats):
        for values in TRICKY_ROWS:
            data.write(values, formats)

    def fast(data, styles, formats):
        data.row += exports._SheetRows(data.sheet, styles, formats).write(
            iter(TRICKY_ROWS), data.row
        )

    expected = _data_sheet_xml(one_by_one)
    assert "_x0007_" in expected
    assert "_x005F_x0041_" in expected
    assert _data_sheet_xml(fast) == expected


def test_fast_sheet_rows_escape_what_xlsxwriter_would_write_as_markup():
    """XlsxWriter's constant-memory mode writes a string shaped "<r>…</r>" into
    the sheet as raw rich-text markup; the data rows are always escaped text, and
    an empty string is an empty cell."""
    import io

    import openpyxl

    def fast(data, styles, formats):
        data.row += exports._SheetRows(data.sheet, styles, formats).write(
            iter([["<r><t>not markup</t></r>", "", "x"]]), data.row
        )

    xml = _data_sheet_xml(fast)
    assert "&lt;r&gt;&lt;t&gt;not markup" in xml
    assert 'r="B2"' not in xml
    # And the file opens with the text as typed.
    import xlsxwriter

    handle = io.BytesIO()
    workbook = xlsxwriter.Workbook(handle, exports.XLSX_OPTIONS)
    styles = exports._xlsx_styles(workbook)
    data = exports._Sheet(workbook, "Data", styles)
    fast(data, styles, [None, None, None])
    workbook.close()
    sheet = openpyxl.load_workbook(io.BytesIO(handle.getvalue()))["Data"]
    assert [c.value for c in sheet[1]] == ["<r><t>not markup</t></r>", None, "x"]


@pytest.mark.django_db
def test_export_rows_give_the_cells_of_the_budget_lines(db):
    """The exports read raw rows (reports.export_rows) instead of BudgetLines: each
    line's cells must equal the columns' download of its BudgetLine, on either
    database (SQLite hands back floats and text dates)."""
    from programmes.budget import BUDGET_COLUMNS
    from programmes.reports import budget_query, export_rows

    make_portfolio(12)
    odd = ProgrammeFactory(name=" =odd & <name> ", gmpp_id="")
    FigureFactory(programme=odd, kind="baseline", amount_gbp=Decimal("0.00"))
    FigureFactory(programme=odd, kind="forecast", amount_gbp=Decimal("12.34"))
    FigureFactory(
        programme=odd,
        kind="actual",
        financial_year=2020,
        amount_gbp=None,
        withheld_text="Commercially sensitive",
    )
    FigureFactory(
        programme=odd,
        kind="forecast",
        financial_year=2021,
        amount_gbp=None,
        withheld_text="Exempt",
    )
    for kind, amount in (("baseline", "0.10"), ("forecast", "0.30")):
        FigureFactory(
            programme=odd,
            kind=kind,
            financial_year=2022,
            amount_gbp=Decimal(amount),
            price_basis="real",
            price_base_year=2024,
        )
    query = budget_query()
    expected = [[c.download(line) for c in BUDGET_COLUMNS] for line in query.lines()]
    got = list(export_rows(query, chunk=7))
    assert got == expected
    # Escaped for the CSV, which then writes them as they come: as safe_cell would.
    escaped = list(export_rows(query, escape=True))
    assert escaped == [exports._csv_cells(cells) for cells in expected]
    assert len(got) > 36
    assert {type(cells[10]) for cells in got} == {datetime.date}
    assert any(cells[5] == "[c]" for cells in got)
    assert any(cells[8] == Decimal("200.00") for cells in got)  # 0.10 -> 0.30
