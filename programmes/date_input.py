"""GOV.UK's date input (day, month and year boxes) for the report filters. A whole
date in one parameter still works (links, bookmarks, the API's style), written the
ISO way (2021-03-31) or the UK's (31/3/2021, 31 March 2021)."""

import calendar
import datetime
import re

from django import forms

PARTS = ("day", "month", "year")
MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
UK_DATE = re.compile(r"(\d{1,2})[/\-. ]+(\d{1,2}|[A-Za-z]+)[/\-. ]+(\d{4})")
EXAMPLE = "for example, 31 3 2021"


def _month(text):
    text = text.strip().lower()
    return int(text) if text.isdigit() else MONTHS.get(text, MONTHS.get(text[:3]))


def parse_date(text):
    """A date written 2021-03-31, 31/3/2021, 31-03-2021 or 31 March 2021; raises
    ValueError for anything else or a day that does not exist."""
    text = text.strip()
    match = UK_DATE.fullmatch(text)
    if not match:
        return datetime.date.fromisoformat(text)
    day, month, year = match.groups()
    if _month(month) is None:
        raise ValueError(f"{month!r} is not a month")
    return datetime.date(int(year), _month(month), int(day))


def date_from_parts(label, day, month, year):
    """The date three boxes give, None when all are empty; a GOV.UK-style message
    saying what is missing or wrong otherwise."""
    values = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    missing = [part for part in PARTS if not values[part]]
    if len(missing) == len(PARTS):
        return None
    if missing:
        raise forms.ValidationError(
            f"{label} must include a {' and a '.join(missing)} ({EXAMPLE})."
        )
    if not re.fullmatch(r"\d{4}", values["year"]):
        raise forms.ValidationError(f"Year must include 4 numbers ({EXAMPLE}).")
    try:
        return datetime.date(
            int(values["year"]), _month(values["month"]), int(values["day"])
        )
    except (TypeError, ValueError, OverflowError):  # OverflowError: a 10-digit day
        raise forms.ValidationError(
            f"{label} must be a real date ({EXAMPLE})."
        ) from None


def _box(width):
    return forms.TextInput(
        attrs={
            "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
            "inputmode": "numeric",
            "spellcheck": "false",
        }
    )


class DateInput(forms.MultiWidget):
    template_name = "programmes/widgets/date_input.html"
    is_date_input = True  # the filter form draws a fieldset for it

    def __init__(self, attrs=None):
        super().__init__({"day": _box(2), "month": _box(2), "year": _box(4)}, attrs)

    def decompress(self, value):
        if isinstance(value, str):
            # A whole date, or an ISO date and time (its day is shown).
            text = value[:10] if "T" in value else value
            try:
                value = parse_date(text)
            except ValueError:
                return [None, None, None]
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.get(name)
        return [data.get(f"{name}_{part}", "") for part in PARTS]

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}_{p}" in data for p in PARTS)


def whole_or_parts(field, value):
    """A field's value as (text, None) for a whole date in one parameter, or
    (None, date) read from the three boxes."""
    if isinstance(value, (list, tuple)):
        parts = [str(v or "") for v in value]
        return None, date_from_parts(field.label or "Date", *parts)
    return (value or "").strip(), None
