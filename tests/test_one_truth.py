"""One read model: every page, chart, report, export and the API give the same
figure for the same thing, and a gap is never shown as £0."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from programmes.models import FinancialFigure, Programme
from programmes.querysets import SUMMARY_COLUMNS

from .exporting import _csv, _xlsx
from .reading import _api_rows, _exact, _headline

# Reads what pages say, never the context they were rendered with.
pytestmark = pytest.mark.usefixtures("plain_templates")


@pytest.mark.django_db
def test_portfolio_headlines_are_the_sums_of_what_programme_pages_show(
    auditor_client, demo_data
):
    portfolio = auditor_client.get("/").content.decode()

    sums = {"whole-life-cost": Decimal(0), "benefits": Decimal(0)}
    shown = dict.fromkeys(sums, 0)
    for slug in Programme.objects.values_list("slug", flat=True):
        page = auditor_client.get(f"/programmes/{slug}/").content.decode()
        for name in sums:
            amount = _exact(page, name)
            if amount is not None:
                sums[name] += amount
                shown[name] += 1

    assert _headline(portfolio, "whole-life-cost") == sums["whole-life-cost"]
    assert _headline(portfolio, "benefits-baseline") == sums["benefits"]
    count = Programme.objects.count()
    assert f"from {shown['whole-life-cost']} of {count} programmes" in portfolio
    # No programme in the demo published a cumulative or yearly actual but HMCTS
    # Reform (£540m to March 2019, NAO): the headline is that, not a sum of kinds.
    assert _headline(portfolio, "spend-to-date") == Decimal("540000000")


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["department=home-office", "financial_year=2020-21"])
def test_csv_xlsx_and_api_give_the_same_lines(auditor_client, demo_data, query):
    from programmes.budget import BUDGET_COLUMNS

    _, csv_rows = _csv(auditor_client.get(f"/reports/budget/?{query}&_export=csv"))
    workbook = _xlsx(auditor_client.get(f"/reports/budget/?{query}&_export=xlsx"))
    api_rows, api_totals = _api_rows(auditor_client, query)

    sheet = list(workbook["Data"].iter_rows(values_only=True))
    xlsx_rows = [dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]]
    assert len(csv_rows) == len(xlsx_rows) == len(api_rows) + len(api_totals)
    assert len(api_rows) > 3
    for csv_row, xlsx_row, api_row in zip(csv_rows, xlsx_rows, api_rows, strict=False):
        for column in BUDGET_COLUMNS:
            text, cell = csv_row[column.header], xlsx_row[column.header]
            if column.kind == "amount":
                api_value = api_row[f"{column.key}_gbp"]
            else:
                api_value = api_row[column.key]
            if isinstance(cell, float | int):
                assert Decimal(text) == Decimal(str(cell)) == Decimal(api_value)
            elif isinstance(cell, datetime.datetime):
                assert text == cell.date().isoformat() == api_value
            else:
                assert text == (cell or "")
                if text not in ("[x]", "[c]", "[z]"):
                    assert text == str(api_value if api_value is not None else "")


@pytest.mark.django_db
def test_a_line_carries_the_whole_life_cost_of_its_own_release(
    auditor_client, demo_data
):
    _, rows = _csv(
        auditor_client.get(
            "/reports/budget/?department=home-office&financial_year=2020-21&_export=csv"
        )
    )

    esmcp = next(r for r in rows if r["Programme"].startswith("Emergency Services"))
    assert esmcp["Data date (release)"] == "2021-03-31"
    # The March 2021 release's whole-life cost, not the 2026 real-terms one.
    assert esmcp["Whole-life cost in that release (£)"] == "11198840000.00"
    assert esmcp["Price basis"] == "Nominal"


@pytest.mark.django_db
def test_no_total_mixes_price_bases(auditor_client, demo_data):
    _, rows = _csv(auditor_client.get("/reports/budget/?_export=csv"))

    lines = [r for r in rows if not r["Department"].startswith("Total, ")]
    totals = {
        r["Price basis"]: r for r in rows if r["Department"].startswith("Total, ")
    }
    for basis, total in totals.items():
        mine = [
            Decimal(r["Baseline (£)"])
            for r in lines
            if r["Price basis"] == basis and r["Baseline (£)"] not in ("[x]", "[c]")
        ]
        assert Decimal(total["Baseline (£)"]) == sum(mine)
    assert "Nominal" in totals
    assert any(basis.startswith("Real") for basis in totals)
    # The portfolio adds only nominal whole-life costs.
    nominal = Programme.objects.money_totals()["whole_life_cost_total"]
    real = FinancialFigure.objects.filter(
        price_basis="real", period="whole_life", measure="cost"
    ).total_gbp()
    portfolio = auditor_client.get("/").content.decode()
    assert _headline(portfolio, "whole-life-cost") == nominal
    assert real > 0


@pytest.mark.django_db
def test_status_comes_from_the_releases(auditor_client, demo_data):
    cds = auditor_client.get(
        "/programmes/customs-declaration-service/"
    ).content.decode()
    esmcp = auditor_client.get(
        "/programmes/emergency-services-mobile-communications/"
    ).content.decode()
    gds = auditor_client.get("/programmes/government-digital-service/").content.decode()

    assert "Left the GMPP: last reported in the September 2019 data" in cds
    assert 'data-testid="stale"' in cds
    assert "In the GMPP: listed in the latest release (March 2026 data)" in esmcp
    assert "Not known (in no release)" in gds
    assert not Programme.objects.filter(status__gt="", status_source=None).exists()


@pytest.mark.django_db
def test_ratings_name_the_body_of_their_time(auditor_client, demo_data):
    page = auditor_client.get("/programmes/universal-credit/").content.decode()
    api = auditor_client.get("/api/v1/programmes/universal-credit/").json()

    by_year = {a["data_date"][:4]: a["assessor_name"] for a in api["assessments"]}
    assert by_year["2012"] == "Major Projects Authority"
    assert by_year["2018"] == "Infrastructure and Projects Authority"
    assert by_year["2025"].startswith("National Infrastructure and Service")
    assert "Major Projects Authority" in page
    assert "IPA (NISTA)" not in page


@pytest.mark.django_db
def test_as_at_rebuilds_names_and_a_release_shows_what_it_published(
    auditor_client, demo_data
):
    programme = Programme.objects.get(slug="emergency-services-mobile-communications")
    before = timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S.%f")
    programme.name = "Emergency Services Network"
    programme._change_reason = "Display name"
    programme.save()

    _, then = _csv(
        auditor_client.get(
            f"/reports/budget/?department=home-office&as_at={before}&_export=csv"
        )
    )
    _, release = _csv(
        auditor_client.get(
            "/reports/budget/?department=home-office&release=2022-03-31&_export=csv"
        )
    )

    assert any(
        r["Programme"] == "Emergency Services Mobile Communications Programme"
        for r in then
    )
    assert not any(r["Programme"] == "Emergency Services Network" for r in then)
    esn = [r for r in release if r["Programme"] == "Emergency Services Network"]
    assert [r["Financial year"] for r in esn] == ["2021-22"]
    assert all(r["Data date (release)"] == "2022-03-31" for r in release[:-1])


@pytest.mark.django_db
def test_department_totals_are_the_sums_of_each_programmes_newest_figures():
    """department_totals groups each programme's kept newest whole-life figures;
    the result is what adding up the figures worked out afresh gives,
    gaps included (a programme without benefits counts in none of the matched
    sums)."""
    from collections import defaultdict

    from programmes.models import FinancialFigure, Programme

    from .factories import make_portfolio

    make_portfolio(24, departments=3)
    # Gaps: a few programmes lose their benefits, others their whole-life cost.
    FinancialFigure.objects.filter(
        period="whole_life",
        measure="benefit",
        programme_id__in=Programme.objects.order_by("pk").values("pk")[:5],
    ).delete()
    FinancialFigure.objects.filter(
        period="whole_life",
        measure="cost",
        programme_id__in=Programme.objects.order_by("-pk").values("pk")[:4],
    ).delete()
    expected = defaultdict(lambda: defaultdict(lambda: None))
    counts = defaultdict(lambda: defaultdict(int))
    rows = Programme.objects.with_computed_summary()
    for p in rows:
        d = p.department_id
        counts[d]["programme_count"] += 1
        for name, value in (
            ("whole_life_cost", p.whole_life_cost_gbp),
            ("benefits", p.benefits_gbp),
        ):
            if value is not None:
                expected[d][f"{name}_total"] = (
                    expected[d][f"{name}_total"] or 0
                ) + value
                counts[d][f"{name}_reported"] += 1
        if p.whole_life_cost_gbp is not None and p.benefits_gbp is not None:
            expected[d]["matched_cost_gbp"] = (
                expected[d]["matched_cost_gbp"] or 0
            ) + p.whole_life_cost_gbp
            expected[d]["matched_benefits_gbp"] = (
                expected[d]["matched_benefits_gbp"] or 0
            ) + p.benefits_gbp

    found = {row["department"]: row for row in Programme.objects.department_totals()}

    assert set(found) == set(counts)
    for d, row in found.items():
        for name in (
            "whole_life_cost_total",
            "benefits_total",
            "matched_cost_gbp",
            "matched_benefits_gbp",
        ):
            assert row[name] == expected[d][name], (d, name)
        for name in (
            "programme_count",
            "whole_life_cost_reported",
            "benefits_reported",
        ):
            assert row[name] == counts[d][name], (d, name)
    assert any(
        row["benefits_reported"] < row["programme_count"] for row in found.values()
    )
    total = Programme.objects.money_totals()
    assert total["whole_life_cost_total"] == sum(
        r["whole_life_cost_total"]
        for r in found.values()
        if r["whole_life_cost_total"] is not None
    )


def test_the_demo_data_as_the_tests_put_it_in_has_exact_summaries(demo_data):
    """However the suite puts the demo data in (a copy of every table on
    PostgreSQL, in any order), each programme's kept summary is what its figures
    and ratings give."""
    columns = ("pk", *SUMMARY_COLUMNS)
    programmes = Programme.objects.order_by("pk")
    kept = list(programmes.with_dashboard_columns().values_list(*columns))
    assert kept == list(programmes.with_computed_summary().values_list(*columns))
    assert sum(1 for row in kept if row[1]) > 10  # rated programmes among them
