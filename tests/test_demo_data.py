import csv
import datetime
from decimal import Decimal

import pytest

from programmes.demo import GMPP_HISTORY, load_demo_data
from programmes.models import (
    DeliveryConfidenceAssessment,
    Disruption,
    FinancialFigure,
    Programme,
    Source,
)

from .conftest import SHARED_DATA

EXPECTED_PROGRAMMES = [
    "government-digital-service",
    "smarter-working",
    "hmcts-reform",
    "universal-credit",
    "digital-services-at-the-border",
    "customs-declaration-service",
    "nhs-covid-19-app",
    "prison-digital-kiosks",
]


@pytest.mark.django_db
def test_demo_data_has_the_real_programmes_and_disruptions(demo_data):
    slugs = set(Programme.objects.values_list("slug", flat=True))

    assert set(EXPECTED_PROGRAMMES) <= slugs
    assert {"eu-exit", "covid-19"} <= set(
        Disruption.objects.values_list("slug", flat=True)
    )
    assert not Programme.objects.filter(is_synthetic=True).exists()


@pytest.mark.django_db
def test_loading_twice_changes_nothing(demo_data):
    history_before = FinancialFigure.history.count() + Programme.history.count()

    second = load_demo_data()

    assert second.changes == 0
    assert FinancialFigure.history.count() + Programme.history.count() == history_before


@pytest.mark.django_db
def test_every_figure_has_a_real_source(demo_data):
    assert not FinancialFigure.objects.filter(source__isnull=True).exists()
    assert not FinancialFigure.objects.filter(source__is_synthetic=True).exists()
    assert not Source.objects.filter(is_synthetic=True).exists()


@pytest.mark.django_db
def test_smarter_working_2017_figures_are_exact(demo_data):
    programme = Programme.objects.get(slug="smarter-working")
    data_date = datetime.date(2016, 9, 30)

    figures = programme.figures.filter(data_date=data_date)
    baseline = figures.get(kind="baseline", period="year")
    forecast = figures.get(kind="forecast", period="year")
    whole_life = figures.get(kind="baseline", period="whole_life")
    rating = programme.assessments.get(data_date=data_date)

    assert baseline.financial_year == 2016
    assert baseline.amount_gbp == Decimal("41400000.00")
    assert forecast.amount_gbp == Decimal("38000000.00")
    assert forecast.published_variance_pct == Decimal("-8.00")
    assert whole_life.amount_gbp == Decimal("128150000.00")
    assert rating.rating == DeliveryConfidenceAssessment.Rating.AMBER
    assert baseline.source.key == "gmpp-ho-2016-09-30"


@pytest.mark.django_db
def test_latest_whole_life_cost_is_current_and_earlier_ones_kept(demo_data):
    hmcts = Programme.objects.get(slug="hmcts-reform")

    whole_life = hmcts.figures.filter(period="whole_life", measure="cost")
    current = whole_life.get(is_current=True)

    assert current.data_date == datetime.date(2025, 3, 31)
    assert current.amount_gbp == Decimal("1228610000.00")
    assert whole_life.filter(amount_gbp=Decimal("1546830000.00")).exists()
    assert whole_life.filter(amount_gbp=Decimal("2153170000.00")).exists()


@pytest.mark.django_db
def test_placeholder_zeros_are_not_stored_as_zero(demo_data):
    hmcts = Programme.objects.get(slug="hmcts-reform")

    early = hmcts.figures.filter(data_date=datetime.date(2013, 9, 30))

    assert early.count() == 3
    assert all(f.amount_gbp is None and "placeholder" in f.withheld_text for f in early)


@pytest.mark.django_db
def test_one_login_moves_to_dsit_but_old_figures_stay_with_cabinet_office(demo_data):
    one_login = Programme.objects.get(slug="gov-uk-one-login")

    old = one_login.figures.get(
        kind="baseline", period="year", data_date=datetime.date(2022, 3, 31)
    )

    assert one_login.department.abbreviation == "DSIT"
    assert old.source.department.abbreviation == "CO"


@pytest.mark.django_db
def test_demo_history_file_matches_the_published_figures():
    """The project's copy of the published figures must equal ../shared's, cell for
    cell (skipped where ../shared is not beside the project)."""
    published = SHARED_DATA / "GMPP_digital_programmes_2013-2025.csv"
    if not published.exists():
        pytest.skip("../shared/data is not here")
    with published.open(encoding="utf-8") as handle:
        expected = {
            (r["project_name"], r["snapshot_date"]): r for r in csv.DictReader(handle)
        }
    with GMPP_HISTORY.open(encoding="utf-8") as handle:
        ours = list(csv.DictReader(handle))

    assert len(ours) == len(expected)
    for row in ours:
        original = expected[(row["project_name"], row["snapshot_date"])]
        assert {k: row[k] for k in original} == original


@pytest.mark.django_db
def test_sums_of_loaded_money_equal_the_file(demo_data):
    with GMPP_HISTORY.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = sum(
        (Decimal(r["fy_baseline_gbp_m"]) for r in rows if r["fy_baseline_gbp_m"]),
        Decimal("0"),
    ) * Decimal("1000000")

    loaded = FinancialFigure.objects.filter(
        kind="baseline", period="year", measure="cost"
    ).total_gbp()

    assert loaded == expected
