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
    # Abbreviations some releases use.
    "g": Rating.GREEN,
    "a/g": Rating.AMBER_GREEN,
    "a": Rating.AMBER,
    "a/r": Rating.AMBER_RED,
    "r": Rating.RED,
}
NOT_REPORTED = {
    "",
    "-",
    "–",
    "—",
    "n/a",
    "na",
    "n.a.",
    "not applicable",
    "not reported",
    "not available",
    "not known",
    "n/k",
    "unknown",
    "tbc",
    "tbd",
    "to be confirmed",
}


class CellError(ValueError):
    """A cell that cannot be read; the message says why, the caller adds where."""


def clean(text):
    """A cell's text: non-breaking spaces as spaces, line endings as "\n" (so a
    file saved with CRLF is no change against one with LF), ends trimmed."""
    if text is None:
        return ""
    text = str(text).replace("\u00a0", " ").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


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


# Words publishers use when they withhold a figure: kept as published.
WITHHELD = (
    "exempt",
    "withheld",
    "redacted",
    "not disclosed",
    "commercially sensitive",
    "section 43",
)


def parse_millions(text):
    """A £m cell -> PublishedAmount in exact pounds, or None when not reported.
    Words of withholding ("Exempt under Section 43") are kept as written; any other
    text where money belongs is an error."""
    raw = clean(text)
    if raw.lower() in NOT_REPORTED:
        return None
    if raw.lower() == "nil":
        return PublishedAmount(millions_to_pounds("0"))
    if not _MONEY.match(raw):
        if any(word in raw.lower() for word in WITHHELD):
            return PublishedAmount(withheld_text=raw)
        raise CellError(f"{raw!r} is not an amount in £m")
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
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %b %y",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
)
# A month alone ("March 2023", "Mar-23") means its last day.
_MONTH_FORMATS = ("%B %Y", "%b %Y", "%b-%y", "%b-%Y", "%B-%Y", "%m/%Y")


def parse_date(text):
    raw = clean(text)
    if raw.lower() in NOT_REPORTED:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    for fmt in _MONTH_FORMATS:
        try:
            month = datetime.datetime.strptime(raw, fmt)  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
        return _month_end(month.year, month.month)
    raise CellError(f"{raw!r} is not a date such as 31/03/2021 or 2021-03-31")


# Reading whole files -------------------------------------------------------------

FIELDS = {
    # field: (label, rule) -- rules see normalised header text
    "gmpp_id": "GMPP ID",
    "name": "Project name",
    "department": "Department",
    "category": "Annual report category",
    "description": "Description / aims",
    "ipa_rating": "IPA delivery confidence assessment",
    "sro_rating": "SRO delivery confidence assessment",
    "rating_commentary": "Commentary on the rating",
    "start_date": "Start date",
    "end_date": "End date",
    "schedule_narrative": "Narrative on schedule",
    "fy_baseline": "Financial year baseline (£m)",
    "fy_forecast": "Financial year forecast (£m)",
    "fy_variance": "Financial year variance (%)",
    "variance_narrative": "Narrative on budget/forecast variance",
    "whole_life_cost": "Whole-life cost baseline (£m)",
    "whole_life_narrative": "Narrative on whole-life costs",
    "benefits": "Benefits baseline (£m)",
    "benefits_narrative": "Narrative on benefits",
}
REQUIRED = ("name", "department")


def normalise_header(text):
    text = clean(text).lower().replace("\n", " ")
    text = text.replace("–", "-").replace("—", "-").replace("’", "'")
    return re.sub(r"\s+", " ", text).strip()


def _is_narrative(h):
    return any(w in h for w in ("narrative", "commentary", "comment"))


def header_meaning(header):
    """What a published header means (a FIELDS key), or None. By meaning, not exact
    text: every release from "MPA RAG rating" to the shortened 2024-25 headers."""
    h = normalise_header(header)
    if not h:
        return None
    narrative = _is_narrative(h)
    if narrative:
        if "rag" in h or "delivery confidence" in h or "rating" in h:
            return "rating_commentary"
        if "schedule" in h:
            return "schedule_narrative"
        if "variance" in h:
            return "variance_narrative"
        if "whole life" in h or "whole-life" in h:
            return "whole_life_narrative"
        if "benefit" in h:
            return "benefits_narrative"
        return None
    if re.search(r"\b(gmpp|major projects?) id\b", h) or h in {
        "id",
        "project id",
        "gmpp id number",
    }:
        return "gmpp_id"
    if h in {"project name", "name", "programme name", "project"} or h.startswith(
        "project name"
    ):
        return "name"
    if h in {"department", "dept", "department name", "organisation"} or h.startswith(
        ("department (", "department /", "department -", "department name")
    ):
        return "department"
    if "category" in h:
        return "category"
    if h.startswith("description") or "aims" in h:
        return "description"
    if "sro" in h and ("delivery confidence" in h or "rag" in h or "dca" in h):
        return "sro_rating"
    if (
        "delivery confidence" in h
        or "rag rating" in h
        or h in {"dca", "rag", "ipa rating", "nista rating"}
    ):
        return "ipa_rating"
    if "start date" in h:
        return "start_date"
    if "end date" in h:
        return "end_date"
    if "benefit" in h:
        # Only money: a column of non-monetised benefits is text, not an amount.
        monetary = "£" in h or "total" in h or "baseline" in h or "(m)" in h
        return "benefits" if monetary and "non-monetised" not in h else None
    if "whole life" in h or "whole-life" in h or h.startswith("wlc"):
        return "whole_life_cost"
    if "variance" in h:
        return "fy_variance"
    if "baseline" in h or ("budget" in h and "£" in h):
        return "fy_baseline"
    if "forecast" in h:
        return "fy_forecast"
    return None


_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


def _month_end(year, month):
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def data_date_from_name(name):
    """ "MOJ_March_2021.csv" -> 31 March 2021; "...September_2019..." -> 30 Sept;
    "gmpp-data-DWP-q2-2012-13.csv" -> the end of that quarter, 30 September 2012."""
    lowered = name.lower()
    quarter = re.search(r"q([1-4])[\s_\-]*((?:19|20)\d\d)[\-_/](\d\d)(?!\d)", lowered)
    if quarter:
        number, start = int(quarter.group(1)), int(quarter.group(2))
        return {
            1: datetime.date(start, 6, 30),
            2: datetime.date(start, 9, 30),
            3: datetime.date(start, 12, 31),
            4: datetime.date(start + 1, 3, 31),
        }[number]
    for month, number in _MONTHS.items():
        for abbreviation in (month, month[:3], month[:4]):
            match = re.search(
                rf"(?<![a-z]){abbreviation}[\s_\-]*((?:19|20)\d\d)", lowered
            )
            if match:
                return _month_end(int(match.group(1)), number)
    return None


def data_date_from_headers(headers):
    """The variance narrative header names the financial year ("for 2020/21"):
    September snapshots until 2020, March from 2021."""
    for header in headers:
        h = normalise_header(header)
        match = re.search(r"variance for ((?:19|20)\d\d)\s*[/\-]\s*(\d\d)", h)
        if match:
            start = int(match.group(1))
            if start + 1 >= 2021:
                return datetime.date(start + 1, 3, 31)
            return datetime.date(start, 9, 30)
    return None


def excel_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and 20000 < value < 80000:
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
    return None


def cell_text(value):
    """A cell from CSV or XLSX as text; numbers written without float noise."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if value != int(value) else str(int(value))
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value)
