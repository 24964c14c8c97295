"""Reading exports back in tests."""

import csv
import io

import openpyxl


def _content(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def _csv(response):
    """(header block dict, table rows as dicts) from a CSV export."""
    lines = list(csv.reader(io.StringIO(_content(response).decode("utf-8"))))
    blank = lines.index([])
    header = {row[0]: row[1] for row in lines[:blank]}
    columns = lines[blank + 1]
    rows = [dict(zip(columns, row, strict=True)) for row in lines[blank + 2 :]]
    return header, rows


def _titled_csv(response):
    """Table rows as dicts from a CSV whose first line is its title."""
    lines = list(csv.reader(io.StringIO(_content(response).decode("utf-8"))))
    columns = lines[1]
    return [dict(zip(columns, line, strict=True)) for line in lines[2:]]


def _xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(_content(response)))
