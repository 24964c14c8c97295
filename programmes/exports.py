"""Auditor exports. Text cells that a spreadsheet would run as a formula are made
safe; numbers, negative ones included, stay numbers; empty stays empty. Rows
stream (CSV row by row, XLSX through XlsxWriter's constant-memory mode to a
temporary file); the totals rows come from the same query in the same snapshot."""

import csv
import datetime
import functools
import io
import re
import tempfile
import threading
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from .budget import FORMULA_STARTS

CHUNK = 2000
CSV_ROWS_PER_CHUNK = 500  # about 80 KB of text sent at a time
MONEY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'
PERCENT_FORMAT = '0.00"%"'
# COPY writes "\n" between rows; every CSV line here ends the same way.
LINE_END = "\n"


def safe_cell(value):
    """A value ready for a CSV or spreadsheet cell: text starting like a formula is
    prefixed with an apostrophe; numbers pass through unchanged."""
    if type(value) is str:  # most cells: the quickest test first
        return "'" + value if value.startswith(FORMULA_STARTS) else value
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

    def __init__(
        self,
        *,
        title,
        slug,
        columns,
        lines,
        header,
        totals=None,
        notes=(),
        cells=None,
        safe_cells=False,
    ):
        self.title = title
        self.slug = slug
        self.columns = columns
        self.lines = lines  # a callable returning an iterator, run in the transaction
        self.header = (
            header  # a callable returning [(label, value)], run in the transaction
        )
        self.totals = totals  # a callable returning rows of cells, in the transaction
        self.notes = notes
        downloads = [column.download for column in columns]
        self.values = lambda line: [download(line) for download in downloads]
        # A callable giving each line's cells directly, when a report has a quicker
        # way than building its lines; by default, the columns' download of each.
        self.cells = cells or (lambda: map(self.values, self.lines()))
        # True when `cells` gives text already made safe (safe_cell) and nothing
        # else the csv module would write differently: the CSV writes them as
        # they come.
        self.safe_cells = safe_cells


@contextmanager
def _snapshot():
    """One transaction for the whole file, and on PostgreSQL a repeatable read, so
    the header, rows and totals all see the same data (and no JIT, see below)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                # The report's per-row subqueries look expensive to the planner,
                # which then spends longer compiling them (JIT) than running them.
                cursor.execute("SET LOCAL jit = off")
        yield


def _rows_with_totals(report, on_done):
    """("line", cells) for each line, then ("totals", cells) for each totals row
    (aggregates of the same query in the same snapshot)."""
    count = 0
    for cells in report.cells():
        count += 1
        yield "line", cells
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


# Cells the csv module already writes as safe_cell would: None as empty, numbers
# as their digits, dates as ISO dates.
_CSV_AS_IS = frozenset({type(None), Decimal, int, float, datetime.date})


def _csv_cells(values):
    return [v if type(v) in _CSV_AS_IS else safe_cell(v) for v in values]


def csv_response(report, *, filename, on_done):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END)

    def taken():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    def stream():
        # Rows are sent a few hundred at a time: one chunk per row costs more in
        # the response machinery than writing the row does.
        with _snapshot():
            writer.writerows(_csv_preamble(report))
            yield taken()
            safe = report.safe_cells
            for number, (kind, values) in enumerate(
                _rows_with_totals(report, on_done), start=1
            ):
                writer.writerow(
                    values if safe and kind == "line" else _csv_cells(values)
                )
                if number % CSV_ROWS_PER_CHUNK == 0:
                    yield taken()
            yield taken()

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


XLSX_DATE = "yyyy-mm-dd"
XLSX_DATETIME = "yyyy-mm-dd hh:mm:ss"
XLSX_OPTIONS = {
    # Rows go to a temporary file as they are written: memory stays flat however
    # many rows; rows must then be written in order, which they are.
    "constant_memory": True,
    "in_memory": False,
    # Text is only ever written as text: nothing a user typed becomes a formula,
    # number or link.
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
TEXT_WIDTH, NUMBER_WIDTH = 32, 18


class _Sheet:
    """Writes one worksheet row by row with XlsxWriter: text escaped by safe_cell,
    numbers as numbers (money and percentages with their formats), dates and
    times as real date cells, None as an empty cell."""

    def __init__(self, workbook, name, styles):
        self.sheet = workbook.add_worksheet(name)
        self.styles = styles
        self.row = 0

    def write(self, values, formats=None, *, bold=False):
        sheet, row, styles = self.sheet, self.row, self.styles
        formats = formats or (None,) * len(values)
        for col, (value, number_format) in enumerate(zip(values, formats, strict=True)):
            if value is None:
                continue
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                sheet.write_number(row, col, value, styles[number_format, bold])
            elif isinstance(value, datetime.datetime):
                moment = timezone.localtime(value).replace(tzinfo=None)
                sheet.write_datetime(row, col, moment, styles[XLSX_DATETIME, bold])
            elif isinstance(value, datetime.date):
                sheet.write_datetime(row, col, value, styles[XLSX_DATE, bold])
            else:
                sheet.write_string(row, col, safe_cell(value), styles[None, bold])
        self.row += 1


def _xlsx_styles(workbook):
    """{(number format or None, bold): Format}: a handful, made once per file."""
    styles = {}
    for number_format in (None, MONEY_FORMAT, PERCENT_FORMAT, XLSX_DATE, XLSX_DATETIME):
        for bold in (False, True):
            properties = {"bold": True} if bold else {}
            if number_format:
                properties["num_format"] = number_format
            styles[number_format, bold] = (
                workbook.add_format(properties) if properties else None
            )
    return styles


def _number_formats(columns):
    """Each column's number format: money, percentage, or none (dates bring their
    own)."""
    return [
        MONEY_FORMAT
        if column.is_money
        else PERCENT_FORMAT
        if column.kind == "pct"
        else None
        for column in columns
    ]


class _SheetRows:
    """Writes a worksheet's data rows as its XML, straight into the row file of
    XlsxWriter's constant-memory mode: the same cells, styles and markup
    XlsxWriter's write_* calls make (tests compare the two), at several times
    their speed, since a data sheet is nearly all of an export's cells.
    XlsxWriter still writes everything else: the package, styles, the other
    sheets, the heading and totals rows. Pinned XlsxWriter version: this reads its
    row file, format indices and date conversion, which are not public API."""

    TEXT_ESCAPES = re.compile("[&<>]")
    # As XlsxWriter: a literal "_xHHHH_" is escaped, then control characters and
    # the two non-characters become _xHHHH_ escapes.
    ESCAPE_LIKE = re.compile("(_x[0-9a-fA-F]{4}_)")
    CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
    SPACE_AT_ENDS = re.compile(r"^\s|\s$")
    MAX_TEXT = 32767

    KEPT_TEXTS = 20000  # text cells remembered (names repeat down a report)

    def __init__(self, sheet, styles, formats):
        from xlsxwriter.utility import xl_col_to_name

        self.sheet = sheet
        self.letters = [xl_col_to_name(col) for col in range(len(formats))]
        # Each column's number format, then the dates'; their ' s="N"' attributes
        # are made on first use, as XlsxWriter numbers formats in the order used.
        self.formats = [styles[f, False] for f in formats]
        self.formats += [styles[XLSX_DATE, False], styles[XLSX_DATETIME, False]]
        self.openings = [None] * len(self.formats)  # '[ s="N"]><v>' per column
        self.texts = {}  # text -> the rest of its cell's markup
        self.serials = {}  # date -> Excel serial number, as text

    def _opening(self, index):
        """The markup between a number cell's reference and its value."""
        cell_format = self.formats[index]
        style = f' s="{cell_format._get_xf_index()}"' if cell_format else ""
        self.openings[index] = opening = f"{style}><v>"
        return opening

    def _text(self, value):
        """The markup after a text cell's reference: the text made safe from
        formulas, cut to Excel's limit and escaped as XlsxWriter escapes it."""
        text = safe_cell(value)[: self.MAX_TEXT]
        if "_x" in text:
            text = self.ESCAPE_LIKE.sub(r"_x005F\1", text)
        if self.CONTROL.search(text):
            text = self.CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
        if self.TEXT_ESCAPES.search(text):
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        space = ' xml:space="preserve"' if self.SPACE_AT_ENDS.search(text) else ""
        tail = f' t="inlineStr"><is><t{space}>{text}</t></is></c>'
        if len(self.texts) < self.KEPT_TEXTS:
            self.texts[value] = tail
        return tail

    def _serial(self, value):
        from xlsxwriter.utility import _datetime_to_excel_datetime

        return f"{_datetime_to_excel_datetime(value, False, False):.16G}"

    def write(self, rows, first_row):
        """Writes `rows` (lists of cells, as _Sheet.write takes them) from
        `first_row` on; returns how many."""
        sheet = self.sheet
        # XlsxWriter writes a row out once a later one is started: start the first
        # of ours, so everything before it is in the file, then add ours.
        sheet._write_single_row(first_row)
        handle = sheet.fh
        letters, openings, texts = self.letters, self.openings, self.texts
        date_style, datetime_style = len(letters), len(letters) + 1
        serials = self.serials
        number = first_row
        buffer = []
        for values in rows:
            number += 1
            r = str(number)
            cells = [f'<row r="{r}">']
            append = cells.append
            for col, value in enumerate(values):
                kind = type(value)
                if kind is str:
                    if value:
                        tail = texts.get(value) or self._text(value)
                        append(f'<c r="{letters[col]}{r}"{tail}')
                elif kind is Decimal or kind is int or kind is float:
                    opening = openings[col] or self._opening(col)
                    append(f'<c r="{letters[col]}{r}"{opening}{value:.16G}</v></c>')
                elif kind is datetime.date:
                    serial = serials.get(value)
                    if serial is None:
                        serial = serials[value] = self._serial(value)
                    opening = openings[date_style] or self._opening(date_style)
                    append(f'<c r="{letters[col]}{r}"{opening}{serial}</v></c>')
                elif kind is datetime.datetime:
                    moment = timezone.localtime(value).replace(tzinfo=None)
                    opening = openings[datetime_style] or self._opening(datetime_style)
                    append(
                        f'<c r="{letters[col]}{r}"{opening}{self._serial(moment)}</v></c>'
                    )
                elif value is not None and (text := safe_cell(value)):
                    append(f'<c r="{letters[col]}{r}"{self._text(text)}')
            append("</row>")
            buffer.append("".join(cells))
            if len(buffer) == CSV_ROWS_PER_CHUNK:
                handle.write("".join(buffer))
                buffer.clear()
        handle.write("".join(buffer))
        written = number - first_row
        if written:
            # The sheet's dimensions take in the rows, and later writes follow them.
            sheet._check_dimensions(number - 1, len(letters) - 1)
            sheet.previous_row = number - 1
        return written


# Deflate's quickest level: the data sheet of 50,000 lines is zipped in a third of
# the time of zlib's default (level 6) for a file about a third larger (5.2 MB
# against 3.8 MB), which keeps the XLSX within three times the CSV's time.
XLSX_ZIP_LEVEL = 1
_ZIPPING = threading.Lock()


def _workbook(handle):
    """An XlsxWriter workbook whose package is zipped at XLSX_ZIP_LEVEL. XlsxWriter
    has no setting for it: its ZipFile is given the level while this workbook is
    stored (one workbook at a time per process, so no other sees it)."""
    import xlsxwriter
    import xlsxwriter.workbook

    class Workbook(xlsxwriter.Workbook):
        def _store_workbook(self):
            module = xlsxwriter.workbook
            with _ZIPPING:
                plain = module.ZipFile
                module.ZipFile = functools.partial(plain, compresslevel=XLSX_ZIP_LEVEL)
                try:
                    super()._store_workbook()
                finally:
                    module.ZipFile = plain

    return Workbook(handle, XLSX_OPTIONS)


def xlsx_response(report, *, filename, on_done):
    """The Analysis Function's layout: a cover sheet (title, data date, source, who
    and when), a notes sheet, and the table alone on its own sheet, streamed to a
    temporary file by XlsxWriter's constant-memory mode (the table's rows through
    _SheetRows)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook = _workbook(handle)
    styles = _xlsx_styles(workbook)
    with _snapshot():
        cover = _Sheet(workbook, "Cover", styles)
        cover.sheet.set_column(0, 0, TEXT_WIDTH)
        cover.sheet.set_column(1, 1, 2 * TEXT_WIDTH)
        cover.sheet.write_string(
            0, 0, report.title, workbook.add_format({"bold": True, "font_size": 16})
        )
        cover.row = 1
        for label, value in report.header():
            cover.write([label, value])
        notes = _Sheet(workbook, "Notes", styles)
        notes.sheet.set_column(1, 1, 4 * TEXT_WIDTH)
        notes.write(["Notes"], bold=True)
        for number, note in enumerate(report.notes, start=1):
            notes.write([number, note])
        data = _Sheet(workbook, "Data", styles)
        formats = _number_formats(report.columns)
        for col, number_format in enumerate(formats):
            width = NUMBER_WIDTH if number_format else TEXT_WIDTH
            data.sheet.set_column(col, col, width)
        data.write([column.header for column in report.columns], bold=True)
        count = _SheetRows(data.sheet, styles, formats).write(report.cells(), data.row)
        data.row += count
        for cells in report.totals() if report.totals else ():
            data.write(cells, formats, bold=True)
        on_done(count)
    workbook.close()
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
        writer.writerows(_csv_cells(cells) for cells in report.totals())
        flush()
        on_done(db_count())
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.csv",
        content_type="text/csv; charset=utf-8",
    )
