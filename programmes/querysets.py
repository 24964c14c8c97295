"""Every reusable read over many rows lives here, as a chainable QuerySet method.
Sums over different relations are separate subqueries, so rows never multiply."""

import datetime
from decimal import Decimal

from django.db import connections, models
from django.db.models import (
    Count,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from .money import from_database

ZERO = Decimal("0")
MONEY_FIELD = models.DecimalField(max_digits=14, decimal_places=2)
EARLIEST = datetime.date(1900, 1, 1)


# A LIMIT no register reaches: it keeps the database from folding a subquery into
# the aggregate over it (PostgreSQL and SQLite both would), which evaluates each of
# its correlated subqueries once for every aggregate that reads the column.
NO_LIMIT = 2**62


def _fenced(queryset):
    return queryset[:NO_LIMIT]


# What department_totals gives each department, in its SELECT's order.
DEPARTMENT_TOTALS = (
    "programme_count",
    "whole_life_cost_total",
    "whole_life_cost_reported",
    "benefits_total",
    "benefits_reported",
    "matched_cost_gbp",
    "matched_benefits_gbp",
)


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
    output = MONEY_FIELD if field == "amount_gbp" else models.DateField()
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

    def with_latest_rating(self):
        """Adds `latest_rating`, `latest_rating_date` and `latest_rating_assessor`
        (see latest_assessment) and `rating_since`: the first data date of the
        unbroken run of that rating up to the newest."""
        newest = latest_assessment()
        last_different = (
            _assessments()
            .filter(programme=OuterRef("pk"))
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

    def with_whole_life_cost(self):
        """Adds `whole_life_cost_gbp` and `whole_life_cost_date`: the newest nominal
        whole-life cost baseline and its data date (None when none was published)."""
        return self.annotate(
            whole_life_cost_gbp=latest_nominal_whole_life("cost"),
            whole_life_cost_date=latest_nominal_whole_life("cost", "data_date"),
        )

    def with_benefits(self):
        """Adds `benefits_gbp` and `benefits_date`: the newest nominal whole-life
        benefits baseline and its data date, or None."""
        return self.annotate(
            benefits_gbp=latest_nominal_whole_life("benefit"),
            benefits_date=latest_nominal_whole_life("benefit", "data_date"),
        )

    def with_spend_to_date(self):
        """Adds `spend_to_date_gbp` and `spend_to_date_date` (see
        spend_to_date_subquery), or None."""
        return self.annotate(
            spend_to_date_gbp=spend_to_date_subquery(),
            spend_to_date_date=spend_to_date_subquery("data_date"),
        )

    def with_money(self):
        """with_whole_life_cost, with_benefits and with_spend_to_date together."""
        return self.with_whole_life_cost().with_benefits().with_spend_to_date()

    def with_dashboard_columns(self):
        """Everything a programme row on a page shows: department, latest rating
        and since when, whole-life cost, benefits and spend to date."""
        return self.select_related("department").with_latest_rating().with_money()

    def money_totals(self):
        """{"programmes", and for each of whole_life_cost, benefits and
        spend_to_date: "<name>_total" (exact sum, None over nothing) and
        "<name>_reported" (how many programmes gave one)}. The sums of exactly what
        each programme's page shows."""
        money = {"output_field": MONEY_FIELD}
        return _fenced(self.order_by().with_money()).aggregate(
            programmes=Count("pk"),
            **{f"{name}_total": Sum(f"{name}_gbp", **money) for name in MONEY_MEASURES},
            **{f"{name}_reported": Count(f"{name}_gbp") for name in MONEY_MEASURES},
        )

    def department_totals(self):
        """Per department: programme_count; whole_life_cost_gbp and benefits_gbp
        (sums of the newest nominal whole-life baselines, None over nothing) with
        whole_life_cost_reported and benefits_reported (how many programmes gave
        each); matched_cost_gbp and matched_benefits_gbp over only the programmes
        that gave both. Grouped over each programme's figures worked out once (a
        fenced subquery): grouping the annotated programmes directly evaluates each
        newest-figure subquery again for every sum and count that reads it."""
        inner = _fenced(
            self.order_by()
            .with_whole_life_cost()
            .with_benefits()
            .values_list("department", "whole_life_cost_gbp", "benefits_gbp")
        )
        sql, params = inner.query.sql_with_params()
        both = "wl IS NOT NULL AND b IS NOT NULL"
        grouped = f"""
            WITH t (department, wl, b) AS ({sql})
            SELECT department, COUNT(*), SUM(wl), COUNT(wl), SUM(b), COUNT(b),
                   SUM(CASE WHEN {both} THEN wl END), SUM(CASE WHEN {both} THEN b END)
            FROM t GROUP BY department"""
        names = ("department", *DEPARTMENT_TOTALS)
        money = {n for n in names if n.endswith(("_total", "_gbp"))}
        with connections[self.db].cursor() as cursor:
            cursor.execute(grouped, params)
            return [
                {
                    n: from_database(v) if n in money else v
                    for n, v in zip(names, row, strict=True)
                }
                for row in cursor.fetchall()
            ]

    def rating_counts(self):
        """{rating: number of programmes} by latest rating ("" for never rated)."""
        rows = (
            self.annotate(
                latest_rating=Subquery(latest_assessment().values("rating")[:1])
            )
            .order_by()
            .values("latest_rating")
            .annotate(n=Count("pk"))
        )
        return {row["latest_rating"] or "": row["n"] for row in rows}


class AssessmentQuerySet(models.QuerySet):
    def latest_data_date(self):
        return self.aggregate(latest=Max("data_date"))["latest"]
