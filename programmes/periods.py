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
