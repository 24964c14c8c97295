import pytest

from programmes.models import FinancialFigure, Programme
from programmes.synthetic import generate_portfolio


def _figures():
    return sorted(
        FinancialFigure.objects.values_list(
            "programme__slug",
            "measure",
            "kind",
            "period",
            "financial_year",
            "amount_gbp",
        ),
        key=str,
    )


@pytest.mark.django_db
def test_generate_portfolio_is_reproducible_and_all_synthetic():
    generate_portfolio(programmes=4, seed=11, departments=2)
    first = _figures()
    FinancialFigure.objects.all().delete()
    for model in (
        "benefits",
        "milestones",
        "assessments",
        "disruption_impacts",
        "schedule_snapshots",
    ):
        for programme in Programme.objects.all():
            getattr(programme, model).all().delete()
    Programme.objects.all().delete()

    generate_portfolio(programmes=4, seed=11, departments=2)

    assert _figures() == first
    assert len(first) == 4 * 50
    assert not FinancialFigure.objects.filter(is_synthetic=False).exists()
    assert not Programme.objects.filter(is_synthetic=False).exists()
    assert not Programme.objects.exclude(source__is_synthetic=True).exists()
