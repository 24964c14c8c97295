"""Auditor exports. Text cells that a spreadsheet would run as a formula are made
safe; numbers, negative ones included, stay numbers."""

from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value ready for a CSV or spreadsheet cell: text starting like a formula is
    prefixed with an apostrophe; numbers and dates pass through unchanged."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
