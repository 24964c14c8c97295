"""The auditors' reports: the budget report (per programme and financial year, now
or as it stood at a moment, rebuilt from the history) and the change log."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from .exports import FORMULA_STARTS
from .models import (
    ChangeLogEntry,
    DeliveryConfidenceAssessment,
    Department,
    FinancialFigure,
    Programme,
)
from .money import round_money, variance, variance_pct
from .periods import FinancialYear, financial_year_label
from .querysets import MONEY_FIELD, WHOLE_LIFE_BASELINE, whole_life_subquery

Historical = FinancialFigure.history.model
# No figure the service holds predates this; dates before it (or after today) are
# mistakes, and the extremes would overflow when converted between time zones.
EARLIEST_YEAR = 1990


class RecordedDateField(forms.DateField):
    """A date on which something could have been recorded: 1990 to today."""

    default_error_messages = {"invalid": "Enter a date such as 2026-01-31."}

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value.year < EARLIEST_YEAR:
            raise forms.ValidationError(
                f"{value} is before anything was recorded: enter a date from "
                f"{EARLIEST_YEAR} on."
            )
        if value > timezone.localdate():
            raise forms.ValidationError(
                f"{value} is in the future: enter today's date or an earlier one."
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


class AsAtField(forms.CharField):
    """A date (the end of that day, UK time) or a date and time."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            if len(value) == 10:
                day = datetime.date.fromisoformat(value)
                moment = datetime.datetime.combine(day, datetime.time.max)
            else:
                moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(
                f"{value!r} is not a date: write it like 2021-03-31 (or 2021-03-31T14:30)."
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
        help_text="Leave empty for the figures now; or a date, such as 2024-06-30, for "
        "the figures as they stood at the end of that day",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
    )

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
                text = timezone.localtime(value).strftime("%d %B %Y %H:%M:%S %Z")
            else:
                text = str(value)
            labels[str(field.label or name.replace("_", " ").capitalize())] = text
        return labels


def figures_as_at(moment):
    """The financial figures as they stood at `moment`, rebuilt from their history:
    for each figure its newest historical version up to then, unless deleted."""
    latest = (
        Historical.objects.filter(history_date__lte=moment)
        .values("id")
        .annotate(last=Max("history_id"))
        .values("last")
    )
    return Historical.objects.filter(history_id__in=Subquery(latest)).exclude(
        history_type="-"
    )


@dataclass
class BudgetQuery:
    """The budget report's reads over one set of figures (now, or as at a moment):
    the filtered yearly cost figures, grouped per programme and year on demand."""

    figures: object  # every figure, for whole-life lookups
    selected: object  # the current yearly cost figures the filters keep

    def rows(self, *, whole_life=True):
        """One row per programme and financial year with its current baseline,
        forecast and actual (exact: there is one current figure of each), how many
        of the year's figures were withheld, and (unless whole_life=False) the
        programme's whole-life cost and benefits."""
        annotations = {
            "baseline_gbp": Sum("amount_gbp", filter=Q(kind="baseline")),
            "forecast_gbp": Sum("amount_gbp", filter=Q(kind="forecast")),
            "actual_gbp": Sum("amount_gbp", filter=Q(kind="actual")),
            "withheld": Count("pk", filter=Q(amount_gbp__isnull=True)),
            "data_date": Max("data_date"),
        }
        if whole_life:
            annotations["whole_life_cost_gbp"] = whole_life_subquery(
                self.figures, "cost", "programme"
            )
            annotations["benefits_gbp"] = whole_life_subquery(
                self.figures, "benefit", "programme"
            )
        return (
            self.selected.order_by()
            .values(
                programme_ref=F("programme"),
                programme_name=F("programme__name"),
                gmpp_id=F("programme__gmpp_id"),
                slug=F("programme__slug"),
                department_name=F("programme__department__name"),
                year=F("financial_year"),
            )
            .annotate(**annotations)
            .order_by("department_name", "programme_name", "year")
        )

    def whole_life_for(self, programme_ids):
        """{(programme id, measure): amount} for the given programmes, one query."""
        found = self.figures.filter(
            programme__in=programme_ids, **WHOLE_LIFE_BASELINE
        ).values_list("programme", "measure", "amount_gbp")
        return {(p, m): a for p, m, a in found}

    def totals(self):
        """The report's totals in one pass over the figures (no grouping): one
        current figure of each kind per programme and year makes the sums exact."""
        zero = Decimal("0")
        money = {"output_field": MONEY_FIELD}
        totals = self.selected.aggregate(
            baseline=Sum("amount_gbp", filter=Q(kind="baseline"), **money),
            forecast=Sum("amount_gbp", filter=Q(kind="forecast"), **money),
            actual=Sum("amount_gbp", filter=Q(kind="actual"), **money),
            baseline_reported=Count("amount_gbp", filter=Q(kind="baseline")),
            forecast_reported=Count("amount_gbp", filter=Q(kind="forecast")),
            actual_reported=Count("amount_gbp", filter=Q(kind="actual")),
        )
        # Rows are (programme, year) pairs: a DISTINCT over two integers.
        rows = (
            self.selected.order_by()
            .values("programme", "financial_year")
            .distinct()
            .count()
        )
        return Totals(
            rows=rows,
            baseline_gbp=round_money(totals["baseline"] or zero),
            forecast_gbp=round_money(totals["forecast"] or zero),
            actual_gbp=round_money(totals["actual"] or zero),
            baseline_reported=totals["baseline_reported"],
            forecast_reported=totals["forecast_reported"],
            actual_reported=totals["actual_reported"],
        )


def budget_query(
    *, department=None, financial_year=None, rating=None, category=None, as_at=None
):
    """The budget report for the form's filters; with `as_at`, everything as it
    stood at that moment, rebuilt from the history."""
    figures = FinancialFigure.objects.all() if as_at is None else figures_as_at(as_at)
    selected = figures.filter(is_current=True, measure="cost", period="year")
    if department is not None:
        selected = selected.filter(programme__department=department)
    if financial_year is not None:
        selected = selected.filter(financial_year=financial_year.start_year)
    if category:
        selected = selected.filter(programme__category=category)
    if rating:
        latest = (
            DeliveryConfidenceAssessment.objects.filter(programme=OuterRef("programme"))
            .order_by("-data_date", "assessor")
            .values("rating")[:1]
        )
        selected = selected.annotate(programme_rating=Subquery(latest)).filter(
            programme_rating=rating
        )
    return BudgetQuery(figures=figures, selected=selected)


@dataclass
class BudgetLine:
    """A budget report row ready to show or write: variance computed exactly."""

    programme: str
    gmpp_id: str
    slug: str
    department: str
    financial_year: int
    baseline_gbp: Decimal | None
    forecast_gbp: Decimal | None
    actual_gbp: Decimal | None
    whole_life_cost_gbp: Decimal | None
    benefits_gbp: Decimal | None
    data_date: datetime.date
    withheld: int

    @classmethod
    def from_row(cls, row):
        def pounds(name):
            # Exact pence whatever the database hands back (SQLite returns floats).
            value = row.get(name)
            return None if value is None else round_money(value)

        return cls(
            programme=row["programme_name"],
            gmpp_id=row["gmpp_id"] or "",
            slug=row["slug"],
            department=row["department_name"],
            financial_year=row["year"],
            baseline_gbp=pounds("baseline_gbp"),
            forecast_gbp=pounds("forecast_gbp"),
            actual_gbp=pounds("actual_gbp"),
            whole_life_cost_gbp=pounds("whole_life_cost_gbp"),
            benefits_gbp=pounds("benefits_gbp"),
            data_date=row["data_date"],
            withheld=row["withheld"],
        )

    @property
    def financial_year_label(self):
        return financial_year_label(self.financial_year)

    @property
    def variance_gbp(self):
        return variance(self.baseline_gbp, self.forecast_gbp)

    @property
    def variance_pct(self):
        return variance_pct(self.baseline_gbp, self.forecast_gbp)


@dataclass
class Totals:
    rows: int = 0
    baseline_gbp: Decimal = Decimal("0.00")
    forecast_gbp: Decimal = Decimal("0.00")
    actual_gbp: Decimal = Decimal("0.00")
    baseline_reported: int = 0
    forecast_reported: int = 0
    actual_reported: int = 0

    def add(self, line):
        self.rows += 1
        for name in ("baseline", "forecast", "actual"):
            amount = getattr(line, f"{name}_gbp")
            if amount is not None:
                setattr(self, f"{name}_gbp", getattr(self, f"{name}_gbp") + amount)
                setattr(self, f"{name}_reported", getattr(self, f"{name}_reported") + 1)

    @property
    def variance_gbp(self):
        return self.forecast_gbp - self.baseline_gbp

    def cells(self, columns):
        """The totals row for an export, in the report's columns."""
        values = {
            "department": f"Total of {self.rows} rows",
            "baseline_gbp": self.baseline_gbp,
            "forecast_gbp": self.forecast_gbp,
            "actual_gbp": self.actual_gbp,
            "variance_gbp": self.variance_gbp,
        }
        return [values.get(attribute) for _, attribute, _ in columns]


BUDGET_COLUMNS = [
    # header, attribute, is money
    ("Department", "department", False),
    ("Programme", "programme", False),
    ("GMPP ID", "gmpp_id", False),
    ("Financial year", "financial_year_label", False),
    ("Baseline (£)", "baseline_gbp", True),
    ("Forecast (£)", "forecast_gbp", True),
    ("Actual (£)", "actual_gbp", True),
    ("Variance (£)", "variance_gbp", True),
    ("Variance (%)", "variance_pct", False),
    ("Whole-life cost (£)", "whole_life_cost_gbp", True),
    ("Benefits baseline (£)", "benefits_gbp", True),
    ("Data date", "data_date", False),
    ("Figures withheld", "withheld", False),
]


class ChangeLogForm(forms.Form):
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Any programme",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    user = forms.CharField(
        required=False,
        label="Changed by (username)",
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-20", "spellcheck": "false"}
        ),
    )
    field = forms.CharField(
        required=False,
        label="Field",
        help_text="For example, amount (£) or rating",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
    )
    date_from = RecordedDateField(
        required=False,
        label="From (date)",
        help_text="For example, 2026-01-31",
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    date_to = RecordedDateField(
        required=False,
        label="To (date)",
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10"}),
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
    ("When", "changed_at", False),
    ("Who", "username", False),
    ("Programme", "programme_name", False),
    ("What", "model_label", False),
    ("Item", "object_repr", False),
    ("Action", "action_label", False),
    ("Field", "field", False),
    ("Old value", "old_value", False),
    ("New value", "new_value", False),
    ("Reason", "reason", False),
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


def _inline_sql(queryset):
    """A queryset's SQL with its parameters quoted in (by psycopg2), for COPY,
    which takes no parameters."""
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()


def budget_copy_sql(query):
    """PostgreSQL: the budget rows of a BudgetQuery as one SELECT for COPY ... TO
    STDOUT, in the export's columns, with the variance computed and text escaped in
    SQL. Whole-life figures are joined once, not looked up row by row."""
    grouped = _inline_sql(query.rows(whole_life=False))
    whole_life = _inline_sql(
        query.figures.filter(**WHOLE_LIFE_BASELINE)
        .order_by()
        .values("programme_id", "measure", "amount_gbp")
    )
    year = "r.year"
    return f"""
        SELECT {_safe_text("r.department_name")}, {_safe_text("r.programme_name")},
               {_safe_text("coalesce(r.gmpp_id, '')")},
               {year} || '-' || lpad((({year} + 1) % 100)::text, 2, '0'),
               round(r.baseline_gbp, 2), round(r.forecast_gbp, 2), round(r.actual_gbp, 2),
               round(r.forecast_gbp - r.baseline_gbp, 2),
               round((r.forecast_gbp - r.baseline_gbp) * 100 / nullif(r.baseline_gbp, 0), 2),
               round(wl.amount_gbp, 2), round(wb.amount_gbp, 2),
               r.data_date, r.withheld
        FROM ({grouped}) AS r
        LEFT JOIN ({whole_life}) AS wl ON wl.programme_id = r.programme_ref AND wl.measure = 'cost'
        LEFT JOIN ({whole_life}) AS wb ON wb.programme_id = r.programme_ref AND wb.measure = 'benefit'
        ORDER BY r.department_name, r.programme_name, r.year
    """
