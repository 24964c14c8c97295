"""The only place that rounds, converts or formats money. Pounds are Decimal
throughout; floats appear only where numbers are handed to plotly."""

import decimal
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")
MILLION = Decimal("1000000")
BILLION = Decimal("1000000000")
THOUSAND = Decimal("1000")
HUNDRED = Decimal("100")
ZERO = Decimal("0")
# The most a money column holds (14 digits, 2 of them pence: models.MONEY).
LARGEST = Decimal("999999999999.99")
# Pages show a true minus sign (GOV.UK style); exports and the API keep plain
# numbers, so nothing there passes through these formatters.
MINUS = "\u2212"


# SQLite hands sums of decimals back as floats (or ints): read to 15 significant
# digits, as Django's SQLite backend does. PostgreSQL's numeric arrives exact.
_FLOAT_DIGITS = decimal.Context(prec=15).create_decimal_from_float


def from_pennies(pennies):
    """A sum in whole pennies, as the database returned it, in pounds (None stays
    None)."""
    return None if pennies is None else Decimal(int(pennies)).scaleb(-2)


def from_database(value):
    """A sum of money as the database returned it, as a Decimal (None stays None)."""
    if value is None or isinstance(value, Decimal):
        return value
    return _FLOAT_DIGITS(value)


def money_from_database(value):
    """round_money(from_database(value)), quicker for the floats SQLite gives: a
    float that is exactly the double of its own two-place text (any amount a money
    column holds) is that text; anything else takes the long way."""
    kind = type(value)
    if kind is Decimal:  # PostgreSQL's numeric
        return value.quantize(PENNY, rounding=ROUND_HALF_UP)
    if kind is float:
        text = f"{value:.2f}"
        if float(text) == value:
            return Decimal(text)
    return None if value is None else round_money(from_database(value))


def round_money(amount):
    """Round pounds to the penny, half up, as published accounts do."""
    return Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP)


def millions_to_pounds(value):
    """£m as published (a Decimal or its text, never a float) to exact pounds."""
    if isinstance(value, float):
        raise TypeError("Money must not pass through a float; give the text instead.")
    try:
        millions = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount in £m.") from None
    if not millions.is_finite():
        raise ValueError(f"{value!r} is not an amount in £m.")
    return round_money(millions * MILLION)


def variance(baseline, forecast):
    """Forecast minus baseline in pounds, exact; None if either is unknown."""
    if baseline is None or forecast is None:
        return None
    return forecast - baseline


def variance_pct(baseline, forecast, places=2):
    """(forecast - baseline) / baseline as a percentage, rounded half up; None when
    the baseline is unknown or zero (a percentage of nothing means nothing)."""
    if baseline is None or forecast is None or baseline == ZERO:
        return None
    pct = (forecast - baseline) * HUNDRED / baseline
    return pct.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


_TYPED = re.compile(
    r"^(?P<sign>[-−]?)\s*£?\s*(?P<sign2>[-−]?)(?P<number>\d[\d,]*(?:\.\d*)?|\.\d+)"
    r"\s*(?P<unit>bn|billion|b|m|million|mn|k|thousand)?$",
    re.IGNORECASE,
)
_UNITS = {
    "": Decimal(1),
    "k": THOUSAND,
    "thousand": THOUSAND,
    "m": MILLION,
    "mn": MILLION,
    "million": MILLION,
    "b": BILLION,
    "bn": BILLION,
    "billion": BILLION,
}


def parse_money(text):
    """Pounds as an admin types them: "£1,234.5m", "1234500000", "£1.2bn", "41,400",
    "-£5m" (impacts may be negative). Exact Decimal pounds, rounded to the penny;
    ValueError with the text for anything else. Commas must group thousands."""
    cleaned = " ".join(str(text).split())
    match = _TYPED.match(cleaned)
    number = match and match["number"]
    if not match or (match["sign"] and match["sign2"]):
        raise ValueError(
            f"“{text}” is not an amount of money: write it as £1,234.5m, £1.2bn or "
            "1234500000 (pounds)."
        )
    whole = number.split(".")[0]
    if "," in whole and not re.fullmatch(r"\d{1,3}(,\d{3})+", whole):
        raise ValueError(
            f"“{text}” has commas in the wrong places: they separate thousands, "
            "as in £1,234,500."
        )
    amount = Decimal(number.replace(",", "")) * _UNITS[(match["unit"] or "").lower()]
    if amount > LARGEST:
        raise ValueError(
            f"“{text}” is more than the register holds: amounts go up to "
            "£999,999,999,999.99."
        )
    negative = bool(match["sign"] or match["sign2"])
    return round_money(-amount if negative else amount)


INPUT_ROUNDING_POINTS = Decimal("0.1")


def differs_beyond_rounding(published_pct, computed_pct, published_places=None):
    """Whether a published (rounded) variance really disagrees with ours. GMPP
    publishes whole or two-place percentages: -8.00% for a true -8.21% is rounding."""
    if published_pct is None or computed_pct is None:
        return False
    if published_places is None:
        # "-8.00" is written to two places but rounded to whole percent in GMPP files.
        published_places = 0 if published_pct == published_pct.to_integral() else 2
    # The publisher worked from unrounded pounds; we have its £m rounded to 0.01m,
    # which moves a percentage by up to about a tenth of a point.
    tolerance = Decimal("0.5").scaleb(-published_places) + INPUT_ROUNDING_POINTS
    return abs(published_pct - computed_pct) > tolerance


def format_gbp(amount):
    """Exact pounds with thousands separators: £1,546,830,000.00; negative as −£5.00.
    Empty for None (not reported)."""
    if amount is None:
        return ""
    amount = round_money(amount)
    sign = MINUS if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def format_gbp_whole(amount):
    """Exact pounds, without pence when there are none: £201,403,000 or £41,400.50.
    Every digit is kept: for tables where the exact figure matters."""
    if amount is None:
        return ""
    amount = round_money(amount)
    if amount == amount.to_integral():
        sign = MINUS if amount < 0 else ""
        return f"{sign}£{abs(amount):,.0f}"
    return format_gbp(amount)


def format_gbp_short(amount):
    """Readable pounds for pages: £1.55bn, £128.2m, £41,400. Exact values belong in
    tables and exports (format_gbp)."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    sign = MINUS if amount < 0 else ""
    size = abs(amount)
    if size >= BILLION:
        text = f"£{_trim(size / BILLION, 2)}bn"
    elif size >= MILLION:
        text = f"£{_trim(size / MILLION, 1)}m"
    else:
        text = f"£{size.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
    return sign + text


def _trim(value, places):
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def chart_unit(amounts):
    """The one unit a chart's axis uses, chosen from the size of its largest amount:
    (divisor, axis title, tick prefix, tick suffix), so an axis of £bn figures says
    "£ billion" and ticks "£20bn" beside bars labelled "£22.58bn"."""
    largest = max((abs(a) for a in amounts if a is not None), default=ZERO)
    if largest >= BILLION:
        return BILLION, "£ billion", "£", "bn"
    return MILLION, "£ million", "£", "m"


def format_pct(pct, signed=True):
    """A percentage to two places: +24.00%, -8.21%; unsigned as GMPP's NISTA files
    publish it. Empty for None."""
    if pct is None:
        return ""
    if not signed:
        return f"{pct:.2f}%".replace("-", MINUS)
    return f"{pct:+.2f}%".replace("-", MINUS) if pct else "0.00%"


class PublishedAmount:
    """A money cell as published: an exact amount, or withheld with the publisher's
    words. Not reported is no PublishedAmount at all (None)."""

    __slots__ = ("gbp", "withheld_text")

    def __init__(self, gbp=None, withheld_text=""):
        if (gbp is None) == (not withheld_text):
            raise ValueError("An amount is either a figure or withheld, not both.")
        self.gbp = gbp
        self.withheld_text = withheld_text

    def __eq__(self, other):
        return (
            isinstance(other, PublishedAmount)
            and self.gbp == other.gbp
            and self.withheld_text == other.withheld_text
        )

    def __hash__(self):
        return hash((self.gbp, self.withheld_text))

    def __repr__(self):
        return f"PublishedAmount({self.gbp!r}, {self.withheld_text!r})"
