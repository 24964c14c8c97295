"""The auditors' reports: the budget report (per programme and financial year, now
or as it stood at a moment, rebuilt from the history) and the change log."""

import datetime

from django import forms
from django.db import connection
from django.db.models import Max, Min, Subquery
from django.db.models.functions import Lower
from django.urls import reverse_lazy
from django.utils import timezone

from .budget import (
    BUDGET_COLUMNS,
    KINDS,
    NOT_APPLICABLE,
    NOT_REPORTED,
    SHORTHAND,
    WITHHELD,
    BudgetQuery,
    Column,
    export_cells,
)
from .date_input import DateInput, parse_date, whole_or_parts
from .exports import FORMULA_STARTS
from .freshness import cached
from .models import (
    BudgetLineSummary,
    ChangeLogEntry,
    DeliveryConfidenceAssessment,
    Department,
    FinancialFigure,
    Programme,
)
from .periods import FinancialYear
from .querysets import WHOLE_LIFE, latest_assessment

Historical = FinancialFigure.history.model
# No figure the service holds predates this; dates before it (or after today) are
# mistakes, and the extremes would overflow when converted between time zones.
EARLIEST_YEAR = 1990


class RecordedDateField(forms.Field):
    """A date on which something could have been recorded: 1990 to today, typed in
    GOV.UK's day, month and year boxes (or as one date, in the UK's way or ISO)."""

    widget = DateInput

    def to_python(self, value):
        text, day = whole_or_parts(self, value)
        if not text:
            return day
        try:
            return parse_date(text)
        except ValueError:
            raise forms.ValidationError(
                f"{text!r} is not a date: enter a day, month and year, such as "
                "31 1 2026."
            ) from None

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value.year < EARLIEST_YEAR:
            raise forms.ValidationError(
                f"{value:%-d %B %Y} is before anything was recorded: enter a date "
                f"from {EARLIEST_YEAR} on."
            )
        if value > timezone.localdate():
            raise forms.ValidationError(
                f"{value:%-d %B %Y} is in the future: enter today's date or an "
                "earlier one."
            )


class FinancialYearField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return FinancialYear.parse(value)
        except ValueError:
            raise forms.ValidationError(
                f"{value!r} is not a financial year: write it like 2020-21."
            ) from None


class AsAtField(forms.Field):
    """The end of a day (UK time), from GOV.UK's day, month and year boxes; or, as
    one parameter, a date (ISO or the UK's way) or an ISO date and time."""

    widget = DateInput

    def to_python(self, value):
        text, day = whole_or_parts(self, value)
        if not text and day is None:
            return None
        value = text or f"{day:%-d %B %Y}"
        try:
            if text and len(text) > 10 and "T" in text:
                moment = datetime.datetime.fromisoformat(text)
            else:
                day = day or parse_date(text)
                moment = datetime.datetime.combine(day, datetime.time.max)
        except ValueError:
            raise forms.ValidationError(
                f"{value!r} is not a date: enter a day, month and year, such as "
                "31 3 2021 (or, in a link, 2021-03-31T14:30)."
            ) from None
        if moment.year < EARLIEST_YEAR:
            raise forms.ValidationError(
                f"{value!r} is before any figure could have been recorded."
            )
        if moment.date() > timezone.localdate():
            raise forms.ValidationError(
                f"{value!r} is in the future: leave As at empty for the figures now."
            )
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment


class BudgetReportForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=Department.objects.with_programmes().order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="All departments",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    financial_year = FinancialYearField(
        required=False,
        label="Financial year",
        help_text="For example, 2020-21",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    rating = forms.ChoiceField(
        label="Delivery confidence",
        required=False,
        choices=[("", "Any rating"), *DeliveryConfidenceAssessment.Rating.choices],
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    category = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any category"),
            *[c for c in Programme.Category.choices if c[0]],
        ],
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    as_at = AsAtField(
        required=False,
        label="As at",
        help_text="Leave empty for the figures now; or a date, such as 30 6 2024, for "
        "the figures as they stood at the end of that day",
    )

    release = forms.TypedChoiceField(
        label="As published in release",
        required=False,
        coerce=datetime.date.fromisoformat,
        empty_value=None,
        help_text="The figures exactly as one GMPP release published them (its data "
        "date), whether or not later releases replaced them",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["release"].choices = [("", "The current figures")] + [
            (day.isoformat(), f"Data of {day:%-d %B %Y}")
            for day in cached("release-dates", lambda: list(release_dates()))
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("as_at") and cleaned.get("release"):
            self.add_error(
                "release",
                "Choose either an “as at” moment or a release, not both: a release "
                "is already a fixed set of figures.",
            )
        return cleaned

    def applied(self):
        """The filters in words, for report headers and the export log."""
        labels = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            field = self.fields[name]
            if name == "department":
                text = value.name
            elif name == "rating":
                text = DeliveryConfidenceAssessment.Rating(value).label
            elif name == "category":
                text = Programme.Category(value).label
            elif name == "as_at":
                text = timezone.localtime(value).strftime("%-d %B %Y %H:%M:%S %Z")
            elif name == "release":
                text = f"data of {value:%-d %B %Y}"
            else:
                text = str(value)
            labels[str(field.label or name.replace("_", " ").capitalize())] = text
        return labels


# Each next-older data date found with one probe of the data-date index (a loose
# index scan), rather than a DISTINCT over every figure: a few dozen releases
# among hundreds of thousands of figures.
RELEASE_DATES_SQL = """
    WITH RECURSIVE dates(day) AS (
        SELECT MAX(data_date) FROM {table} WHERE period = %s
        UNION ALL
        SELECT (SELECT MAX(data_date) FROM {table}
                WHERE period = %s AND data_date < dates.day)
        FROM dates WHERE dates.day IS NOT NULL
    )
    SELECT day FROM dates WHERE day IS NOT NULL
"""


def release_dates():
    """The data dates of the releases that published yearly figures, newest first."""
    table = connection.ops.quote_name(FinancialFigure._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(RELEASE_DATES_SQL.format(table=table), ["year", "year"])
        days = [row[0] for row in cursor.fetchall()]
    # SQLite hands dates back as text.
    return [
        datetime.date.fromisoformat(day) if isinstance(day, str) else day
        for day in days
    ]


def _as_at(history, moment):
    """A history table's rows as they stood at `moment`: for each object its newest
    historical version up to then, unless it had been deleted."""
    latest = (
        history.objects.filter(history_date__lte=moment)
        .values("id")
        .annotate(last=Max("history_id"))
        .values("last")
    )
    return history.objects.filter(history_id__in=Subquery(latest)).exclude(
        history_type="-"
    )


def figures_as_at(moment):
    """The financial figures as they stood at `moment`, rebuilt from their history."""
    return _as_at(Historical, moment)


def names_as_at(moment):
    """A function giving {programme id: (name, department name)} as they stood at
    `moment` for the programmes asked about (one query each time)."""

    def rename(programme_ids):
        programmes = _as_at(Programme.history.model, moment).filter(
            id__in=programme_ids
        )
        departments = dict(
            _as_at(Department.history.model, moment).values_list("id", "name")
        )
        return {
            p.id: (p.name, departments.get(p.department_id, ""))
            for p in programmes.only("id", "name", "department_id")
        }

    return rename


def first_recorded():
    """When the first figure was recorded (its history's oldest date), or None."""
    return Historical.objects.aggregate(first=Min("history_date"))["first"]


def budget_query(
    *,
    department=None,
    financial_year=None,
    rating=None,
    category=None,
    as_at=None,
    release=None,
):
    """The budget lines for the form's filters: now; as stored at a moment (`as_at`,
    rebuilt from the history: figures, names, departments and ratings); or as
    published in one release (`release`, a data date)."""
    figures = FinancialFigure.objects.all()
    assessments = DeliveryConfidenceAssessment.objects.all()
    programmes = Programme.objects.all()
    rename = None
    if as_at is not None:
        figures = figures_as_at(as_at)
        assessments = _as_at(DeliveryConfidenceAssessment.history.model, as_at)
        programmes = _as_at(Programme.history.model, as_at)
        rename = names_as_at(as_at)
    selected = figures.filter(measure="cost", period="year")
    # The current figures' lines are kept as rows (budget_lines); the same filters
    # apply to them.
    kept = None
    if release is not None:
        selected = selected.filter(data_date=release)
        assessments = assessments.filter(data_date=release)
    else:
        selected = selected.filter(is_current=True)
        if as_at is None:
            kept = BudgetLineSummary.objects.all()
    if department is not None:
        programmes = programmes.filter(department_id=department.pk)
    if category:
        programmes = programmes.filter(category=category)
    if rating:
        # Each programme's latest rating once, not once per figure.
        latest = latest_assessment("id", assessments).values("rating")[:1]
        programmes = programmes.annotate(latest_rating=Subquery(latest)).filter(
            latest_rating=rating
        )
    if department is not None or category or rating:
        selected = selected.filter(programme__in=programmes.values("id"))
        if kept is not None:
            kept = kept.filter(programme__in=programmes.values("id"))
    if financial_year is not None:
        selected = selected.filter(financial_year=financial_year.start_year)
        if kept is not None:
            kept = kept.filter(financial_year=financial_year.start_year)
    return BudgetQuery(figures=figures, selected=selected, rename=rename, kept=kept)


class ProgrammeNameField(forms.CharField):
    """A programme named by its slug or its display name (any case): a text box,
    which JavaScript turns into an accessible autocomplete, rather than a select
    holding every programme."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        if "\x00" in value:
            raise forms.ValidationError(
                "A programme's name cannot hold a NUL character."
            )
        programme = (
            Programme.objects.filter(slug=value).first()
            or Programme.objects.filter(name__iexact=value).order_by("pk").first()
        )
        if programme is None:
            raise forms.ValidationError(
                f"No programme is called {value!r}: type part of its name and choose "
                "it from the list, or leave Programme empty for every programme."
            )
        return programme

    def prepare_value(self, value):
        return value.name if isinstance(value, Programme) else value


def changed_fields():
    """The field names the change log holds, for its filter."""
    names = (
        ChangeLogEntry.objects.exclude(field="")
        .values_list("field", flat=True)
        .distinct()
        .order_by("field")
    )
    return [("", "Any field"), *((name, name) for name in names)]


def programme_suggestions(text, limit=20):
    """Names and slugs of programmes whose name contains `text`, for the change
    log's programme autocomplete."""
    text = text.strip()
    if not text or "\x00" in text:  # PostgreSQL refuses NUL in text
        return []
    return list(
        Programme.objects.filter(name__icontains=text)
        .order_by(Lower("name"))
        .values("name", "slug")[:limit]
    )


class ChangeLogForm(forms.Form):
    programme = ProgrammeNameField(
        required=False,
        label="Programme",
        help_text="Type part of its name",
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input govuk-input--width-30",
                "data-module": "app-programme-autocomplete",
                "data-source": reverse_lazy("programmes:change-log-programmes"),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    user = forms.CharField(
        required=False,
        label="Changed by (username)",
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-20", "spellcheck": "false"}
        ),
    )
    field = forms.ChoiceField(
        required=False,
        label="Field",
        choices=changed_fields,
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    date_from = RecordedDateField(
        required=False, label="Changed from", help_text="For example, 31 1 2026"
    )
    date_to = RecordedDateField(
        required=False, label="Changed up to", help_text="For example, 28 2 2026"
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to", f"The end date {end} is before the start date {start}."
            )
        return cleaned

    def applied(self):
        return {
            str(self.fields[name].label or name): (
                value.name if name == "programme" else str(value)
            )
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }


def change_log(*, programme=None, user="", field="", date_from=None, date_to=None):
    """Change log entries, newest first, filtered as the form says."""
    entries = ChangeLogEntry.objects.all()
    if programme is not None:
        entries = entries.filter(programme=programme)
    if user:
        entries = entries.filter(username__iexact=user.strip())
    if field:
        entries = entries.filter(field__iexact=field.strip())
    tz = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(
            changed_at__gte=datetime.datetime.combine(date_from, datetime.time.min, tz)
        )
    if date_to:
        entries = entries.filter(
            changed_at__lte=datetime.datetime.combine(date_to, datetime.time.max, tz)
        )
    return entries.order_by("-changed_at", "-pk")


CHANGE_COLUMNS = [
    Column("When", "changed_at", "datetime"),
    Column("Who", "username", "text"),
    Column("Programme", "programme_name", "text"),
    Column("What", "model_label", "text"),
    Column("Item", "object_repr", "text"),
    Column("Action", "action_label", "text"),
    Column("Field", "field", "text"),
    Column("Old value", "old_value", "text"),
    Column("New value", "new_value", "text"),
    Column("Reason", "reason", "text"),
]


def _sql_char(char):
    return f"chr({ord(char)})" if not char.isprintable() else f"'{char}'"


# The same characters as exports.safe_cell escapes, written as SQL.
FORMULA_CHARS = "(" + ", ".join(_sql_char(c) for c in FORMULA_STARTS) + ")"


def _safe_text(column):
    """SQL that escapes a text column against formula injection, as safe_cell does."""
    return (
        f"CASE WHEN left({column}, 1) IN {FORMULA_CHARS} "
        f"THEN chr(39) || {column} ELSE {column} END"
    )


def _money_sql(expression):
    return f"round({expression}, 2)::text"


def _column_sql(column):
    """The SQL of one budget column over the grouped lines (alias r) and the
    release's whole-life figures (wl, wb): the same cells Column.download gives."""
    both = "r.baseline_gbp IS NOT NULL AND r.forecast_gbp IS NOT NULL"
    kind = column.kind
    if kind == "text":
        source = {
            "department": "r.department_name",
            "programme": "r.programme_name",
            "gmpp_id": "coalesce(r.gmpp_id, '')",
        }[column.key]
        return _safe_text(source)
    if kind == "year":
        return "r.year || '-' || lpad(((r.year + 1) % 100)::text, 2, '0')"
    if kind == "amount":
        name = column.key
        return (
            f"CASE WHEN r.{name}_gbp IS NOT NULL THEN {_money_sql(f'r.{name}_gbp')} "
            f"WHEN coalesce(r.{name}_withheld, '') <> '' THEN '{SHORTHAND[WITHHELD]}' "
            f"ELSE '{SHORTHAND[NOT_REPORTED]}' END"
        )
    if kind == "variance":
        return (
            f"CASE WHEN {both} THEN {_money_sql('r.forecast_gbp - r.baseline_gbp')} "
            f"ELSE '{NOT_APPLICABLE}' END"
        )
    if kind == "pct":
        pct = "(r.forecast_gbp - r.baseline_gbp) * 100 / r.baseline_gbp"
        return (
            f"CASE WHEN {both} AND r.baseline_gbp <> 0 THEN {_money_sql(pct)} "
            f"ELSE '{NOT_APPLICABLE}' END"
        )
    if kind == "basis":
        year = "r.price_base_year"
        label = f"{year} || '-' || lpad((({year} + 1) % 100)::text, 2, '0')"
        return (
            "CASE WHEN r.price_basis = 'nominal' THEN 'Nominal' "
            f"WHEN {year} IS NOT NULL THEN 'Real (' || {label} || ' prices)' "
            "ELSE 'Real (base year not published)' END"
        )
    if kind == "date":
        return "r.data_date"
    if kind == "money":
        return f"coalesce({_money_sql(f'r.{column.key}')}, '{SHORTHAND[NOT_REPORTED]}')"
    if kind == "count":
        return "r.withheld"
    if kind == "words":
        parts = ", ".join(
            f"CASE WHEN coalesce(r.{k}_withheld, '') <> '' "
            f"THEN '{k.capitalize()}: ' || r.{k}_withheld END"
            for k in KINDS
        )
        return _safe_text(f"concat_ws('; ', {parts})")
    raise ValueError(f"No SQL for a {kind!r} column.")


def _lines_sql(query, select):
    """(sql, params): `select` over the budget lines of a BudgetQuery (alias r),
    each with the whole-life cost and benefits published in the same release
    (r.whole_life_cost_gbp, r.benefits_gbp), in the report's order."""
    order = "ORDER BY r.department_name, r.programme_name, r.programme_ref, r.year"
    if query.kept is not None:
        # The kept lines carry their whole-life figures already.
        lines, params = query.values().order_by().query.sql_with_params()
        return f"SELECT {select} FROM ({lines}) AS r {order}", params
    # The outer query orders the lines; the grouped one need not.
    grouped, grouped_params = query.values().order_by().query.sql_with_params()
    whole_life, whole_life_params = (
        query.figures.filter(**WHOLE_LIFE)
        .order_by()
        .values("programme_id", "data_date", "measure", "amount_gbp")
        .query.sql_with_params()
    )
    join = "wl.programme_id = g.programme_ref AND wl.data_date = g.data_date"
    sql = f"""
        SELECT {select}
        FROM (
            SELECT g.*, wl.amount_gbp AS whole_life_cost_gbp,
                   wb.amount_gbp AS benefits_gbp
            FROM ({grouped}) AS g
            LEFT JOIN ({whole_life}) AS wl ON {join} AND wl.measure = 'cost'
            LEFT JOIN ({whole_life}) AS wb ON {join.replace("wl.", "wb.")}
                AND wb.measure = 'benefit'
        ) AS r
        {order}
    """
    return sql, (*grouped_params, *whole_life_params, *whole_life_params)


def budget_copy_sql(query):
    """PostgreSQL: the budget lines of a BudgetQuery as one SELECT for COPY ... TO
    STDOUT (which takes no parameters, so they are quoted in), its cells generated
    from the same BUDGET_COLUMNS that the other writers render."""
    select = ",\n               ".join(_column_sql(c) for c in BUDGET_COLUMNS)
    # The cells' SQL has its own "%" (a modulo): doubled, as parameters are quoted in.
    sql, params = _lines_sql(query, select.replace("%", "%%"))
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()


def export_rows_sql(query):
    """The budget lines of a BudgetQuery as one SELECT of the raw columns
    budget.EXPORT_FIELDS names (sql, params), on either database. The exports read
    it row by row instead of building BudgetLines."""
    return _lines_sql(
        query,
        """r.department_name, r.programme_name, r.gmpp_id, r.year,
               r.baseline_gbp, r.baseline_withheld, r.forecast_gbp,
               r.forecast_withheld, r.actual_gbp, r.actual_withheld,
               r.price_basis, r.price_base_year, r.data_date,
               r.whole_life_cost_gbp, r.benefits_gbp, r.withheld""",
    )


def export_rows(query, chunk=2000, *, escape=False):
    """The download cells of every budget line of `query` (no as-at renaming), read
    through a server-side cursor on PostgreSQL, a chunk at a time; with `escape`,
    user-given text made safe for a spreadsheet (export_cells)."""
    sql, params = export_rows_sql(query)
    labels, dates = {}, {}
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            for row in rows:
                yield export_cells(row, labels=labels, dates=dates, escape=escape)
