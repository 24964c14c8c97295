import datetime
from decimal import Decimal

import factory

from accounts.models import User
from programmes.models import (
    Benefit,
    DeliveryConfidenceAssessment,
    Department,
    Disruption,
    DisruptionImpact,
    FinancialFigure,
    Milestone,
    Programme,
    Source,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("a-test-password-1")


class SourceFactory(factory.django.DjangoModelFactory):
    """Test sources are synthetic: tests never make real-looking facts."""

    class Meta:
        model = Source

    key = factory.Sequence(lambda n: f"synthetic-test-source-{n}")
    kind = Source.Kind.SYNTHETIC
    title = factory.Sequence(lambda n: f"Synthetic test source {n}")
    publisher = "Test suite"
    published_year = 2021
    is_synthetic = True


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Synthetic Department {n}")
    slug = factory.Sequence(lambda n: f"synthetic-department-{n}")
    abbreviation = factory.Sequence(lambda n: f"SD{n}")
    is_synthetic = True


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Synthetic Programme {n}")
    slug = factory.Sequence(lambda n: f"synthetic-programme-{n}")
    department = factory.SubFactory(DepartmentFactory)
    is_synthetic = True


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancialFigure

    programme = factory.SubFactory(ProgrammeFactory)
    measure = FinancialFigure.Measure.COST
    kind = FinancialFigure.Kind.BASELINE
    period = FinancialFigure.Period.FINANCIAL_YEAR
    financial_year = 2020
    data_date = datetime.date(2021, 3, 31)
    amount_gbp = Decimal("1000000.00")
    source = factory.SubFactory(SourceFactory)
    is_synthetic = True


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryConfidenceAssessment

    programme = factory.SubFactory(ProgrammeFactory)
    data_date = datetime.date(2021, 3, 31)
    rating = DeliveryConfidenceAssessment.Rating.AMBER
    scale = DeliveryConfidenceAssessment.Scale.FIVE_POINT
    source = factory.SubFactory(SourceFactory)
    is_synthetic = True


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    baseline_date = datetime.date(2021, 3, 31)
    source = factory.SubFactory(SourceFactory)
    is_synthetic = True


class BenefitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Benefit

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Benefit {n}")
    category = Benefit.Category.CASHABLE
    source = factory.SubFactory(SourceFactory)
    is_synthetic = True


class DisruptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disruption

    name = factory.Sequence(lambda n: f"Synthetic disruption {n}")
    slug = factory.Sequence(lambda n: f"synthetic-disruption-{n}")
    kind = Disruption.Kind.EXTERNAL
    source = factory.SubFactory(SourceFactory)
    is_synthetic = True


class ImpactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisruptionImpact

    disruption = factory.SubFactory(DisruptionFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    source = factory.SubFactory(SourceFactory)
    is_synthetic = True


def make_portfolio(size, *, departments=4, years=(2019, 2020, 2021), source=None):
    """`size` synthetic programmes spread over `departments`, each with yearly
    baseline and forecast, whole-life cost and benefits, two ratings, reported dates
    and a disruption impact, all from `source` (a new synthetic one by default).
    Bulk-created: history is not what these tests are for."""
    from programmes import freshness
    from programmes.models import ScheduleSnapshot

    source = source or SourceFactory()
    depts = [DepartmentFactory() for _ in range(departments)]
    disruption = DisruptionFactory(source=source)
    start = Programme.objects.count()
    programmes = Programme.objects.bulk_create(
        [
            Programme(
                name=f"Synthetic portfolio programme {start + i}",
                slug=f"synthetic-portfolio-programme-{start + i}",
                department=depts[i % departments],
                latest_start_date=datetime.date(2018, 4, 1),
                latest_end_date=datetime.date(2024, 3, 31),
                is_synthetic=True,
            )
            for i in range(size)
        ]
    )
    figures, ratings, snapshots, impacts = [], [], [], []
    for i, programme in enumerate(programmes):
        common = {"programme": programme, "source": source, "is_synthetic": True}
        for year in years:
            for kind, amount in (("baseline", 1000 + i), ("forecast", 900 + i)):
                figures.append(
                    FinancialFigure(
                        measure="cost",
                        kind=kind,
                        period="year",
                        financial_year=year,
                        data_date=datetime.date(year + 1, 3, 31),
                        amount_gbp=Decimal(f"{amount}.25"),
                        **common,
                    )
                )
        for measure, amount in (("cost", "50000.50"), ("benefit", "80000.75")):
            figures.append(
                FinancialFigure(
                    measure=measure,
                    kind="baseline",
                    period="whole_life",
                    data_date=datetime.date(2022, 3, 31),
                    amount_gbp=Decimal(amount),
                    **common,
                )
            )
        for year, rating in ((2021, "amber"), (2022, "red" if i % 3 else "green")):
            ratings.append(
                DeliveryConfidenceAssessment(
                    data_date=datetime.date(year, 3, 31),
                    rating=rating,
                    scale="five_point" if year < 2022 else "three_point",
                    **common,
                )
            )
            snapshots.append(
                ScheduleSnapshot(
                    data_date=datetime.date(year, 3, 31),
                    start_date=datetime.date(2018, 4, 1),
                    end_date=datetime.date(2023 + year - 2021, 3, 31),
                    **common,
                )
            )
        impacts.append(
            DisruptionImpact(
                disruption=disruption,
                cost_impact_gbp=Decimal("10.10"),
                schedule_impact_days=30,
                **common,
            )
        )
    FinancialFigure.objects.bulk_create(figures)
    DeliveryConfidenceAssessment.objects.bulk_create(ratings)
    ScheduleSnapshot.objects.bulk_create(snapshots)
    DisruptionImpact.objects.bulk_create(impacts)
    freshness.bump()  # bulk writes send no post_save: as every bulk writer must
    return depts, programmes, disruption
