"""Synthetic portfolios for measuring the service at a whole government's size.
Reproducible from a seed; every row is marked synthetic, rests on a synthetic source,
and sits in synthetic departments, so it is never mixed up with real data."""

import datetime
import random
from decimal import Decimal

from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from .freshness import bump
from .models import (
    Benefit,
    DeliveryConfidenceAssessment,
    Department,
    Disruption,
    DisruptionImpact,
    FinancialFigure,
    Milestone,
    Programme,
    ScheduleSnapshot,
    Source,
)

FIRST_YEAR = 2015
YEARS = 10
RATINGS_FIVE = ["green", "amber_green", "amber", "amber_red", "red"]
RATINGS_THREE = ["green", "amber", "red"]
CATEGORIES = [c for c, _ in Programme.Category.choices if c]
BATCH = 2000


def _pounds(rng, low, high):
    """A whole number of pounds and pence, from integers (never a float)."""
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


@transaction.atomic
def generate_portfolio(*, programmes, seed, departments=40):
    """Adds `programmes` synthetic programmes (and the departments, source and
    disruptions they need) and returns a summary of what it made."""
    rng = random.Random(seed)
    tag = f"s{seed}"
    source, _ = Source.objects.get_or_create(
        key=f"synthetic-portfolio-{tag}",
        defaults={
            "kind": Source.Kind.SYNTHETIC,
            "title": f"Synthetic portfolio, seed {seed} (generated, not real)",
            "publisher": "generate_portfolio",
            "published_year": 2026,
            "is_synthetic": True,
        },
    )
    depts = []
    for i in range(departments):
        dept, _ = Department.objects.get_or_create(
            slug=f"synthetic-{tag}-department-{i + 1:02d}",
            defaults={
                "name": f"Synthetic Department {i + 1:02d} ({tag})",
                "abbreviation": f"SYN{tag.upper()}{i + 1:02d}"[:20],
                "is_synthetic": True,
            },
        )
        depts.append(dept)
    start = Programme.objects.filter(
        slug__startswith=f"synthetic-{tag}-programme-"
    ).count()
    new = [
        Programme(
            slug=f"synthetic-{tag}-programme-{start + i + 1:06d}",
            name=f"Synthetic programme {start + i + 1:06d} ({tag})",
            department=rng.choice(depts),
            category=rng.choice(CATEGORIES),
            status=rng.choice(["active"] * 8 + ["paused", "completed"]),
            status_source=source,
            status_is_derived=False,
            baseline_start_date=datetime.date(FIRST_YEAR, 4, 1),
            baseline_end_date=datetime.date(FIRST_YEAR + rng.randrange(5, 9), 3, 31),
            latest_start_date=datetime.date(FIRST_YEAR, 4, 1),
            latest_end_date=datetime.date(FIRST_YEAR + rng.randrange(7, 12), 3, 31),
            source=source,
            is_synthetic=True,
        )
        for i in range(programmes)
    ]
    made = bulk_create_with_history(
        new, Programme, batch_size=BATCH, default_change_reason="Synthetic portfolio"
    )
    made = list(Programme.objects.filter(slug__in=[p.slug for p in new]))
    disruptions = []
    for i in range(5):
        disruption, _ = Disruption.objects.get_or_create(
            slug=f"synthetic-{tag}-disruption-{i + 1}",
            defaults={
                "name": f"Synthetic disruption {i + 1} ({tag})",
                "kind": rng.choice(Disruption.Kind.values),
                "source": source,
                "is_synthetic": True,
            },
        )
        disruptions.append(disruption)
    figures, benefits, milestones, ratings, snapshots, impacts = [], [], [], [], [], []
    for programme in made:
        common = {"programme": programme, "source": source, "is_synthetic": True}
        scale = rng.randrange(5_000_000, 400_000_000)
        for offset in range(YEARS):
            year = FIRST_YEAR + offset
            baseline = _pounds(rng, scale // 20, scale // 8)
            forecast = (baseline * Decimal(rng.randrange(70, 140)) / 100).quantize(
                Decimal("0.01")
            )
            data_date = datetime.date(year + 1, 3, 31)
            for kind, amount in (("baseline", baseline), ("forecast", forecast)):
                figures.append(
                    FinancialFigure(
                        measure="cost",
                        kind=kind,
                        period="year",
                        financial_year=year,
                        data_date=data_date,
                        amount_gbp=amount,
                        **common,
                    )
                )
            if year < 2024:
                actual = (forecast * Decimal(rng.randrange(85, 105)) / 100).quantize(
                    Decimal("0.01")
                )
                figures.append(
                    FinancialFigure(
                        measure="cost",
                        kind="actual",
                        period="year",
                        financial_year=year,
                        data_date=data_date,
                        amount_gbp=actual,
                        **common,
                    )
                )
                figures.append(
                    FinancialFigure(
                        measure="benefit",
                        kind="actual",
                        period="year",
                        financial_year=year,
                        data_date=data_date,
                        amount_gbp=_pounds(rng, 0, scale // 10),
                        **common,
                    )
                )
            figures.append(
                FinancialFigure(
                    measure="benefit",
                    kind="forecast",
                    period="year",
                    financial_year=year,
                    data_date=data_date,
                    amount_gbp=_pounds(rng, scale // 50, scale // 6),
                    **common,
                )
            )
            assessed = datetime.date(year + 1, 3, 31)
            choices = RATINGS_FIVE if year < 2021 else RATINGS_THREE
            ratings.append(
                DeliveryConfidenceAssessment(
                    data_date=assessed,
                    rating=rng.choice(choices),
                    scale="five_point" if year < 2021 else "three_point",
                    **common,
                )
            )
            snapshots.append(
                ScheduleSnapshot(
                    data_date=assessed,
                    start_date=programme.latest_start_date,
                    end_date=programme.baseline_end_date
                    + datetime.timedelta(days=30 * offset * rng.randrange(0, 3)),
                    **common,
                )
            )
        figures.append(
            FinancialFigure(
                measure="cost",
                kind="baseline",
                period="whole_life",
                data_date=datetime.date(FIRST_YEAR + YEARS, 3, 31),
                amount_gbp=_pounds(rng, scale, scale * 3),
                **common,
            )
        )
        figures.append(
            FinancialFigure(
                measure="benefit",
                kind="baseline",
                period="whole_life",
                data_date=datetime.date(FIRST_YEAR + YEARS, 3, 31),
                amount_gbp=_pounds(rng, scale // 2, scale * 4),
                **common,
            )
        )
        benefits.append(
            Benefit(title="Synthetic cashable savings", category="cashable", **common)
        )
        for m in range(3):
            baseline_date = datetime.date(FIRST_YEAR + 2 + m * 2, 3, 31)
            achieved = rng.random() < 0.5
            milestones.append(
                Milestone(
                    title=f"Synthetic milestone {m + 1}",
                    baseline_date=baseline_date,
                    forecast_date=baseline_date
                    + datetime.timedelta(days=rng.randrange(0, 400)),
                    actual_date=baseline_date
                    + datetime.timedelta(days=rng.randrange(0, 300))
                    if achieved
                    else None,
                    status="achieved" if achieved else "in_progress",
                    **common,
                )
            )
        if rng.random() < 0.3:
            impacts.append(
                DisruptionImpact(
                    disruption=rng.choice(disruptions),
                    cost_impact_gbp=_pounds(rng, -scale // 20, scale // 10),
                    schedule_impact_days=rng.randrange(-30, 365),
                    **common,
                )
            )
    for model, rows in (
        (FinancialFigure, figures),
        (DeliveryConfidenceAssessment, ratings),
        (ScheduleSnapshot, snapshots),
        (Benefit, benefits),
        (Milestone, milestones),
        (DisruptionImpact, impacts),
    ):
        bulk_create_with_history(
            rows, model, batch_size=BATCH, default_change_reason="Synthetic portfolio"
        )
    bump()  # bulk writes send no post_save: pages must still see these rows
    if connection.vendor == "postgresql":
        # Fresh planner statistics after a bulk load, as autovacuum would give later.
        with connection.cursor() as cursor:
            for model in (
                Programme,
                FinancialFigure,
                DeliveryConfidenceAssessment,
                ScheduleSnapshot,
                Milestone,
            ):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return {
        "programmes": len(made),
        "departments": len(depts),
        "figures": len(figures),
        "ratings": len(ratings),
        "milestones": len(milestones),
        "impacts": len(impacts),
    }
