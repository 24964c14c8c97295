"""Financial years: 1 April to 31 March, stored as the integer year they start in."""

import datetime
import re
from dataclasses import dataclass

FIRST_YEAR = 1990
LAST_YEAR = 2100

_PATTERN = re.compile(
    r"^\s*(?:FY\s*)?(?P<start>(?:19|20)\d\d)\s*(?:[-/–]\s*(?P<end>\d{2}|\d{4}))?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, order=True)
class FinancialYear:
    """`FinancialYear(2019)` is 1 April 2019 to 31 March 2020, shown as "2019-20"."""

    start_year: int

    def __post_init__(self):
        if not isinstance(self.start_year, int) or not (
            FIRST_YEAR <= self.start_year <= LAST_YEAR
        ):
            raise ValueError(
                f"A financial year must start between {FIRST_YEAR} and {LAST_YEAR}, "
                f"not {self.start_year!r}."
            )

    def __str__(self):
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @classmethod
    def parse(cls, text):
        """Read "2019-20", "2019/20", "2019-2020", "FY2019-20" or "2019"."""
        match = _PATTERN.match(str(text))
        if not match:
            raise ValueError(f"{text!r} is not a financial year such as 2019-20.")
        start = int(match["start"])
        end = match["end"]
        if end is not None:
            expected = start + 1
            if int(end) not in (expected, expected % 100):
                raise ValueError(
                    f"{text!r} is not a financial year: the second year must follow "
                    "the first."
                )
        return cls(start)

    @classmethod
    def containing(cls, day):
        """The financial year a date falls in."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def starts_on(self):
        return datetime.date(self.start_year, 4, 1)

    @property
    def ends_on(self):
        return datetime.date(self.start_year + 1, 3, 31)

    def next(self):
        return FinancialYear(self.start_year + 1)


def financial_year_label(start_year):
    """ "2019-20" for 2019; empty for None (a figure that is not for one year)."""
    return "" if start_year is None else str(FinancialYear(start_year))


# Dates as precise as their source: "2019" is a year, not 1 January 2019. A date of
# any precision is stored as the LAST day of its period (a milestone planned "by
# March 2019" is due by 31 March 2019; the data file writes a financial year as its
# last day too), with the precision beside it.
DAY, MONTH, QUARTER, SEASON, YEAR, FINANCIAL_YEAR = (
    "day",
    "month",
    "quarter",
    "season",
    "year",
    "financial-year",
)
PRECISIONS = [DAY, MONTH, QUARTER, SEASON, YEAR, FINANCIAL_YEAR]
# Months in one period of each precision (0: counted in days).
_MONTHS = {DAY: 0, MONTH: 1, QUARTER: 3, SEASON: 3, YEAR: 12, FINANCIAL_YEAR: 12}
_UNITS = {
    DAY: "day",
    MONTH: "month",
    QUARTER: "quarter",
    SEASON: "season",
    YEAR: "year",
    FINANCIAL_YEAR: "year",
}
_SEASONS = {2: "winter", 5: "spring", 8: "summer", 11: "autumn"}  # by last month
_WRITTEN = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


def _month_index(day):
    return day.year * 12 + day.month - 1


def _from_month_index(index):
    """The last day of the month `index` counts."""
    year, month = divmod(index, 12)
    month += 1
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def period_end(day, precision):
    """The last day of the `precision` period that contains `day`."""
    if precision == DAY:
        return day
    if precision not in _MONTHS:
        raise ValueError(f"{precision!r} is not a precision ({', '.join(PRECISIONS)}).")
    index = _month_index(day)
    if precision == QUARTER:
        index += 2 - index % 3
    elif precision == SEASON:  # winter is December to February
        index += 2 - (index + 1) % 3
    elif precision == YEAR:
        index += 11 - index % 12
    elif precision == FINANCIAL_YEAR:
        index += (2 - index % 12) % 12
    return _from_month_index(index)


def parse_written_date(text):
    """ "2019-03-12", "2019-03" or "2019" -> (first day it names, its precision)."""
    match = _WRITTEN.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a date written YYYY-MM-DD, YYYY-MM or YYYY.")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        first = datetime.date(year, month or 1, day or 1)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a real date ({error}).") from None
    return first, DAY if day else MONTH if month else YEAR


def parse_precise_date(text, precision):
    """A date as written with its stated precision -> the last day of its period.
    The text may be finer than the precision ("2023-12" said as a year), never
    coarser ("2019" cannot be a month)."""
    if precision not in _MONTHS:
        raise ValueError(
            f"{text!r}: {precision!r} is not a precision ({', '.join(PRECISIONS)})."
        )
    first, written = parse_written_date(text)
    if written != DAY and precision == DAY:
        raise ValueError(f"{text!r} is not a day: write it YYYY-MM-DD.")
    if _MONTHS[written] > _MONTHS[precision] or (
        precision == FINANCIAL_YEAR and written == YEAR
    ):
        raise ValueError(
            f"{text!r} is not precise enough for a {precision.replace('-', ' ')} "
            "(write a financial year as its last day, e.g. 2026-03-31 for 2025-26)."
        )
    return period_end(first, precision)


def format_precise_date(day, precision):
    """ "12 March 2019", "March 2019", "April to June 2019", "summer 2019", "2019"
    or "2025-26": never more precise than the source was."""
    if day is None:
        return ""
    end = period_end(day, precision)
    if precision == DAY:
        return f"{end.day} {end:%B %Y}"
    if precision == MONTH:
        return f"{end:%B %Y}"
    if precision == QUARTER:
        start = datetime.date(end.year, end.month - 2, 1)
        return f"{start:%B} to {end:%B %Y}"
    if precision == SEASON:
        season = _SEASONS[end.month]
        if season == "winter":
            return f"winter {end.year - 1}-{end.year % 100:02d}"
        return f"{season} {end.year}"
    if precision == YEAR:
        return str(end.year)
    return str(FinancialYear.containing(end))


@dataclass(frozen=True)
class Slip:
    """How far a later date is from an earlier one, counted in the unit of the
    coarser precision of the two (a year against a month counts in years)."""

    count: int
    unit: str

    def __str__(self):
        if self.count == 0:
            return f"no change at the precision of a {self.unit}"
        plural = "" if abs(self.count) == 1 else "s"
        direction = "later" if self.count > 0 else "earlier"
        return f"{abs(self.count):,} {self.unit}{plural} {direction}"


def slip_between(earlier, earlier_precision, later, later_precision):
    """The Slip from `earlier` to `later` (each stored as its period's last day)."""
    coarse = max(earlier_precision, later_precision, key=lambda p: _MONTHS[p])
    months = _MONTHS[coarse]
    if months == 0:
        return Slip((later - earlier).days, "day")
    indexes = []
    for day, precision in ((earlier, earlier_precision), (later, later_precision)):
        if _MONTHS[precision] < months:
            day, precision = period_end(day, coarse), coarse
        # The period's first month over the unit: exact on one grid; across two
        # grids of one length (a year and a financial year) the nearest period.
        first_month = _month_index(day) - _MONTHS[precision] + 1
        indexes.append(round(first_month / months))
    return Slip(indexes[1] - indexes[0], _UNITS[coarse])
