"""Counts in words for pages, in the GOV.UK style: thousands separators, singular or
plural as the number needs, a true minus sign ("1 day", "3,377 days", "−12 days")."""

from .money import MINUS


def count_text(number, singular, plural=None):
    """'1 programme', '2 programmes', '1,096 days'."""
    noun = singular if abs(number) == 1 else (plural or singular + "s")
    return f"{number:,} {noun}".replace("-", MINUS)


def signed_count_text(number, singular, plural=None):
    """A change: '+1 day', '−1,096 days', '0 days'."""
    text = count_text(number, singular, plural)
    return "+" + text if number > 0 else text
