"""Auditor exports. Text cells that a spreadsheet would run as a formula are made
safe; numbers, negative ones included, stay numbers; empty stays empty. Rows
stream (CSV row by row, XLSX through openpyxl's write-only mode to a temporary
file), and each file's totals are summed from the very rows it holds."""

import csv
import datetime
import io
import tempfile
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000
MONEY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'
PERCENT_FORMAT = '0.00"%"'
# COPY writes "\n" between rows; every CSV line here ends the same way.
LINE_END = "\n"


def safe_cell(value):
    """A value ready for a CSV or spreadsheet cell: text starting like a formula is
    prefixed with an apostrophe; numbers pass through unchanged."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class Report:
    """What an export writes: a title, the header block, columns (each with a
    `header`, `is_money`, `kind` and `download(line)`), lines from an iterable and
    the totals rows, both read inside the export's transaction."""

    def __init__(self, *, title, slug, columns, lines, header, totals=None, notes=()):
        self.title = title
        self.slug = slug
        self.columns = columns
        self.lines = lines  # a callable returning an iterator, run in the transaction
        self.header = (
            header  # a callable returning [(label, value)], run in the transaction
        )
        self.totals = totals  # a callable returning rows of cells, in the transaction
        self.notes = notes

    def values(self, line):
        return [column.download(line) for column in self.columns]


class _Echo:
    def write(self, value):
        return value


@contextmanager
def _snapshot():
    """One transaction for the whole file, and on PostgreSQL a repeatable read, so
    the header, rows and totals all see the same data."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _rows_with_totals(report, on_done):
    """("line", cells) for each line, then ("totals", cells) for each totals row
    (aggregates of the same query in the same snapshot)."""
    count = 0
    for line in report.lines():
        count += 1
        yield "line", report.values(line)
    for cells in report.totals() if report.totals else ():
        yield "totals", cells
    on_done(count)


def _csv_preamble(report):
    """The header block, a blank line and the column headings: the first lines of
    every CSV export, however its rows are written."""
    for label, value in report.header():
        yield [safe_cell(label), safe_cell(value)]
    yield []
    yield [safe_cell(column.header) for column in report.columns]


def _csv_cells(values):
    return ["" if v is None else safe_cell(v) for v in values]


def csv_response(report, *, filename, on_done):
    writer = csv.writer(_Echo(), lineterminator=LINE_END)

    def stream():
        with _snapshot():
            for line in _csv_preamble(report):
                yield writer.writerow(line)
            for _, values in _rows_with_totals(report, on_done):
                yield writer.writerow(_csv_cells(values))

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(report, *, filename, on_done):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    with _snapshot():
        cover = workbook.create_sheet("Cover")
        title = WriteOnlyCell(cover, value=report.title)
        title.font = Font(bold=True, size=16)
        cover.append([title])
        for label, value in report.header():
            cover.append([safe_cell(label), safe_cell(value)])
        notes = workbook.create_sheet("Notes")
        notes.append([WriteOnlyCell(notes, value="Notes")])
        for number, note in enumerate(report.notes, start=1):
            notes.append([number, safe_cell(note)])
        data = workbook.create_sheet("Data")
        header_cells = []
        for column in report.columns:
            cell = WriteOnlyCell(data, value=safe_cell(column.header))
            cell.font = bold
            header_cells.append(cell)
        data.append(header_cells)
        for kind, values in _rows_with_totals(report, on_done):
            row = []
            for column, value in zip(report.columns, values, strict=True):
                cell = WriteOnlyCell(
                    data, value=None if value is None else safe_cell(value)
                )
                if column.is_money and isinstance(value, Decimal):
                    cell.number_format = MONEY_FORMAT
                elif column.kind == "pct" and isinstance(value, Decimal):
                    cell.number_format = PERCENT_FORMAT
                if kind == "totals":
                    cell.font = bold
                row.append(cell)
            data.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def copy_csv_response(report, *, copy_sql, db_count, filename, on_done):
    """PostgreSQL: the same CSV as csv_response, the rows written by COPY ... TO
    STDOUT (escaping and variance done in SQL) into a spooled file that stays in
    memory up to 1 MB, then streamed. Header, rows and totals share one snapshot."""
    spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END)

    def flush():
        spool.write(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()

    with _snapshot():
        writer.writerows(_csv_preamble(report))
        flush()
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY ({copy_sql}) TO STDOUT WITH (FORMAT csv)", spool
            )
        totals = report.totals()
        writer.writerows(_csv_cells(cells) for cells in totals)
        flush()
        on_done(db_count())
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.csv",
        content_type="text/csv; charset=utf-8",
    )
