"""Every reusable read over many rows lives here, as a chainable QuerySet method."""

from decimal import Decimal

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

ZERO = Decimal("0")
MONEY_FIELD = models.DecimalField(max_digits=14, decimal_places=2)


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

    def reported(self):
        """Figures with an amount (not withheld)."""
        return self.filter(amount_gbp__isnull=False)

    def total_gbp(self):
        """The exact sum of the amounts, never None."""
        return self.aggregate(
            total=Coalesce(Sum("amount_gbp"), ZERO, output_field=MONEY_FIELD)
        )["total"]


def _current_figure_sum(measure, kind, period):
    """A correlated subquery: a programme's sum of current figures of one sort."""
    from .models import FinancialFigure

    return Coalesce(
        Subquery(
            FinancialFigure.objects.filter(
                programme=OuterRef("pk"),
                measure=measure,
                kind=kind,
                period=period,
                is_current=True,
                benefit__isnull=True,
            )
            .order_by()
            .values("programme")
            .annotate(total=Sum("amount_gbp"))
            .values("total"),
            output_field=MONEY_FIELD,
        ),
        ZERO,
        output_field=MONEY_FIELD,
    )


def _latest_assessment(field):
    from .models import DeliveryConfidenceAssessment

    return Subquery(
        DeliveryConfidenceAssessment.objects.filter(programme=OuterRef("pk"))
        .order_by("-data_date", "assessor")
        .values(field)[:1]
    )


class ProgrammeQuerySet(models.QuerySet):
    def with_latest_rating(self):
        """Adds `latest_rating` and `latest_rating_date`: the newest delivery
        confidence assessment (the IPA's where the IPA and SRO rated the same day)."""
        return self.annotate(
            latest_rating=_latest_assessment("rating"),
            latest_rating_date=_latest_assessment("data_date"),
        )

    def for_department(self, department):
        return self.filter(department=department)

    def real(self):
        return self.filter(is_synthetic=False)

    def with_whole_life_cost(self):
        """Adds `whole_life_cost_gbp`: the current whole-life cost baseline (0 when
        none is reported). One subquery per sum, so sums never multiply rows."""
        return self.annotate(
            whole_life_cost_gbp=_current_figure_sum("cost", "baseline", "whole_life")
        )


class AssessmentQuerySet(models.QuerySet):
    def by_ipa(self):
        return self.filter(assessor="ipa")
