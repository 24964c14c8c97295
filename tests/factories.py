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
