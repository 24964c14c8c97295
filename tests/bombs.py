"""Hostile files, small on disk, built here for the limit tests and for
scripts/measure_import_memory.py (each is what a careless or malicious upload
could really hold), and the way both measure an import's memory from outside."""

import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl

HEADERS = ["GMPP ID", "Project Name", "Department", "Whole Life Cost (£m)"]
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _workbook_bytes(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _replace_sheet(data, rewrite):
    """The same workbook with xl/worksheets/sheet1.xml rewritten (a str -> str
    function, or bytes chunks to stream in its place)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            body = source.read(part.filename)
            if part.filename != "xl/worksheets/sheet1.xml":
                target.writestr(part.filename, body)
                continue
            if callable(rewrite):
                target.writestr(part.filename, rewrite(body.decode()))
                continue
            with target.open(part.filename, "w", force_zip64=True) as sheet:
                for chunk in rewrite:
                    sheet.write(chunk)
    return out.getvalue()


def declared_dimension(rows):
    """A real small table whose sheet declares the whole grid, A1:XFD1048576."""
    return _replace_sheet(
        _workbook_bytes(rows),
        lambda xml: re.sub(
            r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml
        ),
    )


def two_far_cells():
    """Two real cells, A1 and XFD1048576 (the grid's two corners), and the
    dimension to match."""
    return _replace_sheet(
        _workbook_bytes([["x"]]),
        lambda xml: re.sub(
            r"</sheetData>",
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c>'
            "</row></sheetData>",
            re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml),
        ),
    )


def inflating_sheet(unpacked_bytes):
    """A workbook whose sheet XML unpacks to `unpacked_bytes` (a header row, then
    blank rows' worth of whitespace), packed to a tiny fraction of that."""
    head, tail = SHEET_HEAD, SHEET_TAIL

    def chunks():
        yield head
        chunk = b" " * (1024 * 1024)
        left = unpacked_bytes - len(head) - len(tail)
        while left > 0:
            yield chunk[: min(left, len(chunk))]
            left -= len(chunk)
        yield tail

    return _replace_sheet(_workbook_bytes([HEADERS]), chunks())


def many_rows_csv(count, *, bad=True):
    """A CSV of `count` project rows; bad ones have a word where money belongs."""
    lines = [",".join(HEADERS)]
    money = "lots" if bad else "1"
    lines.extend(f"SYN_{n},Project {n},SYN,{money}" for n in range(count))
    return ("\n".join(lines) + "\n").encode()


def full_grid_xlsx(rows, columns, *, money="1"):
    """Every cell of rows x columns filled, written as XML directly (openpyxl would
    take minutes): the largest table the limits let through is this shape."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, columns + 1)]

    def text(ref, value):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'

    def chunks():
        yield SHEET_HEAD
        names = HEADERS + [f"Extra {c}" for c in range(columns - len(HEADERS))]
        yield (
            '<row r="1">'
            + "".join(text(f"{x}1", n) for x, n in zip(letters, names, strict=True))
            + "</row>"
        ).encode()
        for r in range(2, rows + 1):
            cells = [
                text(f"A{r}", f"SYN_{r}"),
                text(f"B{r}", f"Project {r}"),
                text(f"C{r}", "SYN"),
                text(f"D{r}", money),
            ]
            cells.extend(f'<c r="{x}{r}"><v>{r}</v></c>' for x in letters[4:])
            yield f'<row r="{r}">{"".join(cells)}</row>'.encode()
        yield SHEET_TAIL

    return _replace_sheet(_workbook_bytes([HEADERS]), chunks())


REPO = Path(__file__).resolve().parent.parent
# Runs a command and prints its peak resident memory (kB on Linux), measured from
# outside it, as the kernel counts it for a waited-for child.
_PEAK = (
    "import resource, subprocess, sys; "
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
    "sys.stderr.write(done.stdout + done.stderr); "
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def run_measured(*arguments, database):
    """`manage.py ARGUMENTS` in a fresh process: (exit code, peak RSS in MB, output,
    seconds). `database` is a DATABASE_URL; refusals never touch it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "transform_tracker.settings.test",
        "DATABASE_URL": database,
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, sys.executable, "manage.py", *arguments],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=True,
    )
    seconds = time.monotonic() - started
    code, peak_kb = done.stdout.split()
    return int(code), int(peak_kb) / 1024, done.stderr, seconds
