"""Every reusable read over many rows lives here, as a chainable QuerySet method.
Sums over different relations are separate subqueries, so rows never multiply."""

import datetime
from decimal import Decimal

from django.db import models
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

ZERO = Decimal("0")
MONEY_FIELD = models.DecimalField(max_digits=14, decimal_places=2)
EARLIEST = datetime.date(1900, 1, 1)


def _figures():
    from .models import FinancialFigure

    return FinancialFigure.objects


def _assessments():
    from .models import DeliveryConfidenceAssessment

    return DeliveryConfidenceAssessment.objects


# A programme's own current whole-life baseline (not a named benefit's): at most
# one row per programme and measure. Written once, used by pages, reports and COPY.
WHOLE_LIFE_BASELINE = {
    "kind": "baseline",
    "period": "whole_life",
    "benefit__isnull": True,
    "is_current": True,
}


def whole_life_subquery(figures, measure, programme_ref="pk"):
    """The current whole-life baseline of one measure for the outer row's programme,
    from `figures` (now, or as rebuilt at a moment): NULL when not reported or
    withheld."""
    return Subquery(
        figures.filter(
            programme=OuterRef(programme_ref), measure=measure, **WHOLE_LIFE_BASELINE
        )
        # No ordering: there is one current whole-life baseline, and the model's
        # default ordering would join and sort the programmes for every row.
        .order_by()
        .values("amount_gbp")[:1],
        output_field=MONEY_FIELD,
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

    def costs(self):
        return self.filter(measure="cost")

    def benefits(self):
        return self.filter(measure="benefit")

    def yearly(self):
        return self.filter(period="year")

    def whole_life(self):
        return self.filter(period="whole_life")

    def whole_life_baselines(self):
        """Programmes' own current whole-life baselines (see WHOLE_LIFE_BASELINE)."""
        return self.filter(**WHOLE_LIFE_BASELINE)

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

    def totals_with_coverage(self):
        """{"total", "reported", "withheld"}: the exact sum, how many programmes
        gave an amount and how many withheld one."""
        return self.aggregate(
            total=Coalesce(Sum("amount_gbp"), ZERO, output_field=MONEY_FIELD),
            reported=Count(
                "programme", distinct=True, filter=Q(amount_gbp__isnull=False)
            ),
            withheld=Count(
                "programme", distinct=True, filter=Q(amount_gbp__isnull=True)
            ),
        )

    def yearly_totals(self):
        """Rows of financial_year, measure, kind with `total` (exact) and `programmes`
        (how many reported), for current yearly figures, oldest year first."""
        return (
            self.current()
            .yearly()
            .reported()
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
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text)
            | Q(gmpp_id__icontains=text)
            | Q(description__icontains=text)
            | Q(department__name__icontains=text)
            | Q(department__abbreviation__iexact=text)
        )

    def with_latest_rating(self):
        """Adds `latest_rating` and `latest_rating_date` (the newest assessment; the
        IPA's where the IPA and SRO rated the same day) and `rating_since`: the
        first data date of the unbroken run of that rating up to the newest."""
        newest = (
            _assessments()
            .filter(programme=OuterRef("pk"))
            .order_by("-data_date", "assessor")
        )
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
            )
            .annotate(last_different_rating_date=Subquery(last_different))
            .annotate(rating_since=Subquery(first_of_run))
        )

    def with_whole_life_cost(self):
        """Adds `whole_life_cost_gbp`: the current whole-life cost baseline, or None
        when not reported or withheld."""
        return self.annotate(
            whole_life_cost_gbp=whole_life_subquery(_figures(), "cost")
        )

    def with_benefits(self):
        """Adds `benefits_gbp`: the current whole-life benefits baseline, or None."""
        return self.annotate(benefits_gbp=whole_life_subquery(_figures(), "benefit"))

    def with_dashboard_columns(self):
        """Everything a programme row on a page shows: department, latest rating
        and since when, whole-life cost and benefits."""
        return (
            self.select_related("department")
            .with_latest_rating()
            .with_whole_life_cost()
            .with_benefits()
        )

    def department_totals(self):
        """Per department: programme_count; whole_life_cost_gbp and benefits_gbp
        (sums of the current whole-life baselines) with whole_life_cost_reported and
        benefits_reported (how many programmes gave each); matched_cost_gbp and
        matched_benefits_gbp over only the programmes that gave both. One query:
        each programme joins at most one current figure of each, so no row is
        counted twice."""
        from django.db.models import FilteredRelation

        def current_whole_life(measure):
            condition = {f"figures__{k}": v for k, v in WHOLE_LIFE_BASELINE.items()}
            return FilteredRelation(
                "figures",
                condition=Q(
                    figures__measure=measure,
                    figures__amount_gbp__isnull=False,
                    **condition,
                ),
            )

        both = Q(wl_cost__isnull=False, wl_benefit__isnull=False)
        money = {"output_field": MONEY_FIELD}
        return (
            self.annotate(
                wl_cost=current_whole_life("cost"),
                wl_benefit=current_whole_life("benefit"),
            )
            .order_by()
            .values("department")
            .annotate(
                programme_count=Count("pk"),
                whole_life_cost_gbp=Sum("wl_cost__amount_gbp", **money),
                whole_life_cost_reported=Count("wl_cost__pk"),
                benefits_gbp=Sum("wl_benefit__amount_gbp", **money),
                benefits_reported=Count("wl_benefit__pk"),
                matched_cost_gbp=Sum("wl_cost__amount_gbp", filter=both, **money),
                matched_benefits_gbp=Sum(
                    "wl_benefit__amount_gbp", filter=both, **money
                ),
            )
        )

    def rating_counts(self):
        """{rating: number of programmes} by latest rating ("" for never rated)."""
        newest = (
            _assessments()
            .filter(programme=OuterRef("pk"))
            .order_by("-data_date", "assessor")
        )
        rows = (
            self.annotate(latest_rating=Subquery(newest.values("rating")[:1]))
            .order_by()
            .values("latest_rating")
            .annotate(n=Count("pk"))
        )
        return {row["latest_rating"] or "": row["n"] for row in rows}


class AssessmentQuerySet(models.QuerySet):
    def latest_data_date(self):
        return self.aggregate(latest=Max("data_date"))["latest"]
