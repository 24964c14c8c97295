"""Reading published GMPP data: cells as they really are -> checked values.
One job only: text in, values or a clear complaint out; nothing here writes."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from .models import DeliveryConfidenceAssessment
from .money import PublishedAmount, millions_to_pounds

Rating = DeliveryConfidenceAssessment.Rating
Scale = DeliveryConfidenceAssessment.Scale

# The scale moved from five points to three in the 2022 annual report data.
THREE_POINT_FROM = datetime.date(2022, 3, 31)

_RATINGS = {
    "green": Rating.GREEN,
    "amber/green": Rating.AMBER_GREEN,
    "amber": Rating.AMBER,
    "amber/red": Rating.AMBER_RED,
    "red": Rating.RED,
    "reset": Rating.RESET,
    "exempt": Rating.EXEMPT,
    "notset": Rating.NOT_SET,
}
NOT_REPORTED = {"", "-", "–", "—", "n/a", "na", "not applicable", "not reported"}


class CellError(ValueError):
    """A cell that cannot be read; the message says why, the caller adds where."""


def clean(text):
    return "" if text is None else str(text).replace("\u00a0", " ").strip()


def parse_rating(text, *, data_date, scale=None):
    """A published rating -> (rating, scale, raw text), or None when blank.
    Text that is not a rating is kept raw with the rating Not set."""
    raw = clean(text)
    if raw.lower() in NOT_REPORTED:
        return None
    key = re.sub(r"\s+", "", raw.lower()).replace("-", "/").replace("–", "/")
    if key.startswith("exempt"):
        key = "exempt"
    rating = _RATINGS.get(key, Rating.NOT_SET)
    if scale is None:
        five_point_only = rating in DeliveryConfidenceAssessment.FIVE_POINT_ONLY
        scale = (
            Scale.FIVE_POINT
            if five_point_only or data_date < THREE_POINT_FROM
            else Scale.THREE_POINT
        )
    return (rating, scale, raw)


_MONEY = re.compile(r"^\(?-?£?\s*-?[\d,]*\.?\d+\s*(m|million)?\)?$", re.IGNORECASE)


def parse_millions(text):
    """A £m cell -> PublishedAmount in exact pounds, or None when not reported.
    Words such as "Exempt under Section 43" are withheld and kept as written."""
    raw = clean(text)
    if raw.lower() in NOT_REPORTED:
        return None
    if not _MONEY.match(raw):
        if re.search(r"\d", raw) and not raw.lower().startswith("exempt"):
            raise CellError(f"{raw!r} is not an amount in £m")
        return PublishedAmount(withheld_text=raw)
    negative = raw.startswith("(") or "-" in raw
    number = re.sub(r"[^\d.]", "", raw)
    if negative:
        raise CellError(f"{raw!r} is negative, and budgets and costs cannot be")
    try:
        return PublishedAmount(millions_to_pounds(number))
    except ValueError:
        raise CellError(f"{raw!r} is not an amount in £m") from None


def parse_percentage(text):
    raw = clean(text)
    if raw.lower() in NOT_REPORTED:
        return None
    number = raw.rstrip("%").strip().replace(",", "")
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise CellError(f"{raw!r} is not a percentage") from None
    if not value.is_finite() or abs(value) >= Decimal("10000000"):
        raise CellError(f"{raw!r} is not a plausible percentage")
    return value.quantize(Decimal("0.01"))


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y-%m-%d %H:%M:%S",
)


def parse_date(text):
    raw = clean(text)
    if raw.lower() in NOT_REPORTED:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise CellError(f"{raw!r} is not a date such as 31/03/2021 or 2021-03-31")
