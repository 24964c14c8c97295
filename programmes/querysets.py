"""Every reusable read over many rows lives here, as a chainable QuerySet method.
Sums over different relations are separate subqueries, so rows never multiply."""

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Round

from .money import from_pennies

ZERO = Decimal("0")
MONEY_FIELD = models.DecimalField(max_digits=14, decimal_places=2)
# A sum of amounts, each up to MONEY_FIELD's largest (as ProgrammeSummary keeps).
SUM_FIELD = models.DecimalField(max_digits=18, decimal_places=2)
EARLIEST = datetime.date(1900, 1, 1)


# What department_totals gives each department besides its id.
DEPARTMENT_TOTALS = (
    "programme_count",
    "whole_life_cost_total",
    "whole_life_cost_reported",
    "benefits_total",
    "benefits_reported",
    "matched_cost_gbp",
    "matched_benefits_gbp",
)


RATING_COLUMNS = (
    "latest_rating",
    "latest_rating_date",
    "latest_rating_assessor",
    "rating_since",
)
MONEY_COLUMNS = (
    "whole_life_cost_gbp",
    "whole_life_cost_date",
    "benefits_gbp",
    "benefits_date",
    "spend_to_date_gbp",
    "spend_to_date_date",
)
# What a programme's kept summary row holds (models.ProgrammeSummary).
SUMMARY_COLUMNS = RATING_COLUMNS + MONEY_COLUMNS
# Sums of money named so are read in whole pennies (_penny_sum) and made pounds.
_SUMMED = ("_total", "_gbp")


def _penny_sum(column, condition=None):
    """The sum of a money column in whole pennies: exact on either database
    (SQLite holds money as floating point, and a sum of those loses the pennies
    past 15 significant digits)."""
    pennies = Cast(Round(F(column) * 100), models.BigIntegerField())
    return Sum(pennies, filter=condition)


def _pounds(row):
    return {
        name: from_pennies(value) if name.endswith(_SUMMED) else value
        for name, value in row.items()
    }


def _figures():
    from .models import FinancialFigure

    return FinancialFigure.objects


def _assessments():
    from .models import DeliveryConfidenceAssessment

    return DeliveryConfidenceAssessment.objects


# A programme's own whole-life baseline (not a named benefit's). Totals add only
# nominal figures: a release in real terms is shown beside them, never added in.
WHOLE_LIFE = {"kind": "baseline", "period": "whole_life", "benefit__isnull": True}
NOMINAL = "nominal"
MONEY_MEASURES = ("whole_life_cost", "benefits", "spend_to_date")


def latest_nominal_whole_life(measure, field="amount_gbp", programme_ref="pk"):
    """The newest nominal whole-life baseline of one measure that gave an amount,
    for the outer row's programme: the figure every total adds."""
    newest = (
        _figures()
        .filter(
            programme=OuterRef(programme_ref),
            measure=measure,
            price_basis=NOMINAL,
            amount_gbp__isnull=False,
            **WHOLE_LIFE,
        )
        .order_by("-data_date")
    )
    output = MONEY_FIELD if field == "amount_gbp" else models.DateField()
    return Subquery(newest.values(field)[:1], output_field=output)


def spend_to_date_subquery(field="amount_gbp", programme_ref="pk"):
    """A programme's spend to date: its newest current cumulative (to-date) actual
    when it published one, else the sum of its current nominal yearly actuals;
    NULL when neither was published. The one definition of spend to date."""
    costs = _figures().filter(
        programme=OuterRef(programme_ref),
        measure="cost",
        kind="actual",
        is_current=True,
        amount_gbp__isnull=False,
        benefit__isnull=True,
    )
    to_date = costs.filter(period="to_date").order_by("-data_date").values(field)[:1]
    yearly = (
        costs.filter(period="year", price_basis=NOMINAL)
        .order_by()
        .values("programme")
        .annotate(
            value=Sum("amount_gbp") if field == "amount_gbp" else Max("data_date")
        )
        .values("value")
    )
    output = SUM_FIELD if field == "amount_gbp" else models.DateField()
    return Coalesce(
        Subquery(to_date, output_field=output),
        Subquery(yearly, output_field=output),
        output_field=output,
    )


def latest_assessment(programme_ref="pk", assessments=None):
    """A programme's newest delivery confidence assessment (the central body's where
    it and the SRO rated the same day), from `assessments` (now, as at a moment or
    in one release): the one definition of "latest rating"."""
    assessments = _assessments().all() if assessments is None else assessments
    return assessments.filter(programme=OuterRef(programme_ref)).order_by(
        "-data_date", "assessor"
    )


def of_record_for_its_date():
    """A condition on an assessment: it is its programme's rating for its date, as
    latest_assessment picks one (the central body's where it and the SRO rated the
    same day). The run of a rating is a run of these: the SRO's different view on a
    day the central body rated does not break it."""
    return ~Exists(
        _assessments().filter(
            programme=OuterRef("programme"),
            data_date=OuterRef("data_date"),
            assessor__lt=OuterRef("assessor"),
        )
    )


class DepartmentQuerySet(models.QuerySet):
    def matching_name(self, name):
        """Departments known by `name`, ignoring case: their name, abbreviation or
        any alias. More than one when an old name has several successors."""
        name = name.strip()
        return self.filter(
            Q(name__iexact=name)
            | Q(abbreviation__iexact=name)
            | Q(aliases__alias__iexact=name)
        ).distinct()

    def with_programmes(self):
        """Only departments that hold at least one programme."""
        return self.filter(programmes__isnull=False).distinct()

    def with_programme_counts(self):
        """Adds `programme_count`."""
        return self.annotate(programme_count=Count("programmes", distinct=True))


class FinancialFigureQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def benefits(self):
        return self.filter(measure="benefit")

    def yearly(self):
        return self.filter(period="year")

    def whole_life(self):
        return self.filter(period="whole_life")

    def reported(self):
        """Figures with an amount (not withheld)."""
        return self.filter(amount_gbp__isnull=False)

    def for_programmes(self, programmes):
        return self.filter(programme__in=programmes)

    def total_gbp(self):
        """The exact sum of the amounts, never None."""
        return self.aggregate(
            total=Coalesce(Sum("amount_gbp"), ZERO, output_field=MONEY_FIELD)
        )["total"]

    def yearly_totals(self):
        """Rows of financial_year, measure, kind with `total` (exact) and `programmes`
        (how many reported), for current nominal yearly figures, oldest year first
        (real-terms figures are never added to nominal ones)."""
        return (
            self.current()
            .yearly()
            .reported()
            .filter(price_basis=NOMINAL)
            .order_by()
            .values("financial_year", "measure", "kind")
            .annotate(
                total=Sum("amount_gbp"), programmes=Count("programme", distinct=True)
            )
            .order_by("financial_year", "measure", "kind")
        )

    def latest_data_date(self):
        return self.aggregate(latest=Max("data_date"))["latest"]


class ProgrammeQuerySet(models.QuerySet):
    def for_department(self, department):
        return self.filter(department=department)

    def real(self):
        return self.filter(is_synthetic=False)

    def search(self, text):
        """Programmes matching free text: the display name, every name published,
        aliases and abbreviations (also normalised: "&" or "and", punctuation),
        the GMPP ID, the description and the department."""
        from .models import ProgrammeName
        from .names import normalise

        text = text.strip()
        if not text:
            return self
        names = Q(name__icontains=text)
        if key := normalise(text):
            names |= Q(normalised__contains=key)
        return self.filter(
            Q(name__icontains=text)
            | Q(pk__in=ProgrammeName.objects.filter(names).values("programme"))
            | Q(gmpp_id__icontains=text)
            | Q(description__icontains=text)
            | Q(department__name__icontains=text)
            | Q(department__abbreviation__iexact=text)
        )

    def computed_latest_rating(self):
        """Adds `latest_rating`, `latest_rating_date` and `latest_rating_assessor`
        (see latest_assessment) and `rating_since`: the first data date of the
        unbroken run of that rating up to the newest. Worked out from the ratings:
        the one definition, which the kept summary rows hold (with_latest_rating)."""
        newest = latest_assessment()
        last_different = (
            _assessments()
            .filter(of_record_for_its_date(), programme=OuterRef("pk"))
            .exclude(rating=OuterRef("latest_rating"))
            .order_by("-data_date")
            .values("data_date")[:1]
        )
        first_of_run = (
            _assessments()
            .filter(
                programme=OuterRef("pk"),
                data_date__gt=Coalesce(
                    OuterRef("last_different_rating_date"), Value(EARLIEST)
                ),
            )
            .order_by("data_date")
            .values("data_date")[:1]
        )
        return (
            self.annotate(
                latest_rating=Subquery(newest.values("rating")[:1]),
                latest_rating_date=Subquery(newest.values("data_date")[:1]),
                latest_rating_assessor=Subquery(newest.values("assessor")[:1]),
            )
            .annotate(last_different_rating_date=Subquery(last_different))
            .annotate(rating_since=Subquery(first_of_run))
        )

    def computed_money(self):
        """Adds `whole_life_cost_gbp` and `benefits_gbp` (the newest nominal
        whole-life baselines) and `spend_to_date_gbp` (see spend_to_date_subquery),
        each with its `_date`, None when none was published. Worked out from the
        figures: the one definition, which the kept summary rows hold (with_money)."""
        return self.annotate(
            whole_life_cost_gbp=latest_nominal_whole_life("cost"),
            whole_life_cost_date=latest_nominal_whole_life("cost", "data_date"),
            benefits_gbp=latest_nominal_whole_life("benefit"),
            benefits_date=latest_nominal_whole_life("benefit", "data_date"),
            spend_to_date_gbp=spend_to_date_subquery(),
            spend_to_date_date=spend_to_date_subquery("data_date"),
        )

    def with_computed_summary(self):
        """Every column of a programme's summary (SUMMARY_COLUMNS), worked out
        afresh from its figures and ratings: what the triggers keep
        (programmes.summaries), and what tests compare the kept rows with."""
        return self.computed_latest_rating().computed_money()

    def _kept(self, *names):
        # A LEFT JOIN on the kept row: no row (nothing published) reads as None.
        return self.annotate(**{name: F(f"summary__{name}") for name in names})

    def with_latest_rating(self):
        """Adds `latest_rating`, `latest_rating_date`, `latest_rating_assessor`
        and `rating_since` (see computed_latest_rating), from the kept summary."""
        return self._kept(*RATING_COLUMNS)

    def with_whole_life_cost(self):
        """Adds `whole_life_cost_gbp` and `whole_life_cost_date`: the newest nominal
        whole-life cost baseline and its data date (None when none was published),
        from the kept summary."""
        return self._kept("whole_life_cost_gbp", "whole_life_cost_date")

    def with_benefits(self):
        """Adds `benefits_gbp` and `benefits_date`: the newest nominal whole-life
        benefits baseline and its data date, or None, from the kept summary."""
        return self._kept("benefits_gbp", "benefits_date")

    def with_spend_to_date(self):
        """Adds `spend_to_date_gbp` and `spend_to_date_date` (see
        spend_to_date_subquery), or None, from the kept summary."""
        return self._kept("spend_to_date_gbp", "spend_to_date_date")

    def with_money(self):
        """with_whole_life_cost, with_benefits and with_spend_to_date together."""
        return self._kept(*MONEY_COLUMNS)

    def with_dashboard_columns(self):
        """Everything a programme row on a page shows: department, latest rating
        and since when, whole-life cost, benefits and spend to date."""
        return self.select_related("department")._kept(*SUMMARY_COLUMNS)

    def money_totals(self):
        """{"programmes", and for each of whole_life_cost, benefits and
        spend_to_date: "<name>_total" (exact sum, None over nothing) and
        "<name>_reported" (how many programmes gave one)}. The sums of exactly what
        each programme's page shows, in whole pennies (exact on SQLite too)."""
        totals = self.order_by().aggregate(
            programmes=Count("pk"),
            **{
                f"{name}_total": _penny_sum(f"summary__{name}_gbp")
                for name in MONEY_MEASURES
            },
            **{
                f"{name}_reported": Count(f"summary__{name}_gbp")
                for name in MONEY_MEASURES
            },
        )
        return _pounds(totals)

    def department_totals(self):
        """Per department: programme_count; whole_life_cost_total and
        benefits_total (sums of the newest nominal whole-life baselines, None over
        nothing) with whole_life_cost_reported and benefits_reported (how many
        programmes gave each); matched_cost_gbp and matched_benefits_gbp over only
        the programmes that gave both. One grouped read of the kept summaries,
        summed in whole pennies."""
        both = Q(
            summary__whole_life_cost_gbp__isnull=False,
            summary__benefits_gbp__isnull=False,
        )
        rows = (
            self.order_by()
            .values("department")
            .annotate(
                programme_count=Count("pk"),
                whole_life_cost_total=_penny_sum("summary__whole_life_cost_gbp"),
                whole_life_cost_reported=Count("summary__whole_life_cost_gbp"),
                benefits_total=_penny_sum("summary__benefits_gbp"),
                benefits_reported=Count("summary__benefits_gbp"),
                matched_cost_gbp=_penny_sum("summary__whole_life_cost_gbp", both),
                matched_benefits_gbp=_penny_sum("summary__benefits_gbp", both),
            )
            .order_by("department")
        )
        return [_pounds(row) for row in rows]

    def rating_counts(self):
        """{rating: number of programmes} by latest rating ("" for never rated)."""
        rows = self.order_by().values("summary__latest_rating").annotate(n=Count("pk"))
        return {row["summary__latest_rating"] or "": row["n"] for row in rows}


class AssessmentQuerySet(models.QuerySet):
    def latest_data_date(self):
        return self.aggregate(latest=Max("data_date"))["latest"]
