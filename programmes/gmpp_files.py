"""Reading whole uploaded files within fixed limits: bytes in, numbered non-blank
rows out, streamed, so that no file however it is made can take a worker's memory
or minutes of its time. Every limit refuses with a message; nothing the file says
about itself (an XLSX's declared dimension) is trusted. The admin upload and the
import_gmpp command share these numbers; the README lists them."""

import codecs
import csv
import io
import zipfile
from itertools import chain, islice

from .gmpp import CellError, header_meaning

MB = 1024 * 1024
MAX_FILES = 10  # files in one import (one upload request)
MAX_FILE_BYTES = 20 * MB  # one file as uploaded
MAX_TOTAL_BYTES = 50 * MB  # all files of one import together, as uploaded
MAX_UNCOMPRESSED_BYTES = 50 * MB  # all parts of one XLSX, unpacked
MAX_XLSX_PARTS = 1000
# A real sheet's XML packs 5-20 times; far more is a bomb, whatever its size.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_FROM = 1 * MB
MAX_ROWS = 20_000  # non-blank rows in one import, all files together
MAX_COLUMNS = 200
MAX_PROBLEMS = 200  # listed; the rest are counted
HEADER_SEARCH_ROWS = 20  # non-blank rows searched for the header row


class Refused(CellError):
    """A file beyond a limit, or one that cannot be stored: refused whole."""


def size_problems(files):
    """[(name, size in bytes)] -> messages for whatever breaks the per-import
    limits, checked before any file is read."""
    problems = []
    if len(files) > MAX_FILES:
        problems.append(
            f"{len(files)} files were given; at most {MAX_FILES} can be imported at once"
        )
    for name, size in files:
        if size > MAX_FILE_BYTES:
            problems.append(
                f"{name} is {size / MB:.1f} MB; a file can be at most "
                f"{MAX_FILE_BYTES // MB} MB"
            )
    total = sum(size for _, size in files)
    if total > MAX_TOTAL_BYTES:
        problems.append(
            f"the files come to {total / MB:.1f} MB; one import can be at most "
            f"{MAX_TOTAL_BYTES // MB} MB"
        )
    return problems


def is_xlsx(name, data):
    return name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"


def csv_encoding(data):
    """UTF-8 (with or without a BOM) or Windows-1252, told without decoding the
    whole file into memory at once."""
    for encoding, label in (("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252")):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), MB):
                decoder.decode(data[start : start + MB])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding, label
    raise CellError("it is neither UTF-8 nor Windows-1252 text")


def table_rows(name, data, *, max_rows=MAX_ROWS):
    """(row number, cells) for the non-blank rows of the file's table: for an XLSX,
    the first sheet with a header row in its first rows. Raises CellError (Refused
    for a limit) when the file cannot be read, as soon as that is known."""
    if is_xlsx(name, data):
        return _xlsx_rows(data, max_rows)
    encoding, _ = csv_encoding(data)
    # newline="" lets csv see bare CR line ends (old Mac exports) as line ends.
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    return _checked(
        enumerate(csv.reader(text), start=1), max_rows, (csv.Error, UnicodeError)
    )


def header_position(rows):
    """Index in rows of the header row: it names the project and the department
    or GMPP ID."""
    for index, (_, cells) in enumerate(rows):
        meanings = {header_meaning(c) for c in cells if c not in (None, "")}
        if "name" in meanings and ("department" in meanings or "gmpp_id" in meanings):
            return index
    return None


def _xlsx_rows(data, max_rows):
    _check_archive(data)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any damage is reported, not raised
        raise CellError(f"it is not a readable XLSX workbook ({error})") from None
    first = None
    for sheet in workbook.worksheets:
        # The declared dimension (A1:XFD1048576) would pad every row to 16,384
        # cells and add a million empty rows: read only the cells that are there.
        sheet.reset_dimensions()
        rows = _checked(
            enumerate(sheet.iter_rows(values_only=True), start=1), max_rows, Exception
        )
        head = list(islice(rows, HEADER_SEARCH_ROWS))
        if header_position(head) is not None:
            return chain(head, rows)
        first = first if first is not None else head
    return iter(first or [])


def _check_archive(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise CellError(f"it is not a readable XLSX workbook ({error})") from None
    if len(parts) > MAX_XLSX_PARTS:
        raise Refused(
            f"it has {len(parts)} parts; a workbook can have at most {MAX_XLSX_PARTS}"
        )
    # Python's zipfile never unpacks more than a part declares, so the declared
    # sizes bound what reading can take.
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise Refused(
            f"it unpacks to {unpacked / MB:,.0f} MB; a workbook can unpack to at most "
            f"{MAX_UNCOMPRESSED_BYTES // MB} MB"
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise Refused(
                f"its part {part.filename} is packed {ratio:,.0f} to 1; more than "
                f"{MAX_COMPRESSION_RATIO} to 1 is refused as a zip bomb"
            )


def _checked(numbered, max_rows, errors):
    """Drop blank rows and trailing empty cells; refuse past the limits or at a
    NUL character (PostgreSQL cannot store one in text)."""
    count = 0
    try:
        for number, row in numbered:
            cells = list(row)
            while cells and (cells[-1] is None or cells[-1] == ""):
                cells.pop()
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            if len(cells) > MAX_COLUMNS:
                raise Refused(
                    f"row {number} has {len(cells):,} columns; at most {MAX_COLUMNS} "
                    "are read"
                )
            count += 1
            if count > max_rows:
                raise Refused(
                    f"it has more than {max_rows:,} rows (row {number} is one too "
                    f"many); one import can have at most {MAX_ROWS:,}"
                )
            for column, cell in enumerate(cells, start=1):
                if isinstance(cell, str) and "\x00" in cell:
                    raise Refused(
                        f"row {number}, column {column} holds a NUL character (\\x00), "
                        "which cannot be stored; if the file is UTF-16, save it as "
                        "CSV UTF-8"
                    )
            yield number, cells
    except CellError:
        raise
    except errors as error:  # noqa: BLE001 - damage is reported, not raised
        raise CellError(f"it cannot be read past this point ({error})") from None
