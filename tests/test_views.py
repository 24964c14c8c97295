import csv
import datetime
import io
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from programmes.dashboards import department_dashboard, portfolio_dashboard
from programmes.models import Department, FinancialFigure, Programme
from programmes.money import format_gbp_short, format_gbp_whole

# Reads what pages say, never the context they were rendered with.
pytestmark = pytest.mark.usefixtures("plain_templates")

PAGES = [
    "/",
    "/departments/",
    "/departments/ministry-of-justice/",
    "/programmes/",
    "/programmes/hmcts-reform/",
    "/programmes/nhs-covid-19-app/",
    "/disruptions/",
    "/disruptions/eu-exit/",
    "/releases/",
    "/releases/compare/?from=2024-03-31&to=2025-03-31",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_anonymous_users_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/accessibility/", "/privacy/", "/cookies/", "/sign-in/"]
)
def test_service_pages_read_without_signing_in(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_sign_in_with_wrong_password_explains(client, superuser):
    response = client.post(
        "/sign-in/", {"username": "admin-tester", "password": "wrong"}
    )

    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_every_page_says_its_data_date_and_sources(admin_client, demo_data, url):
    response = admin_client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Data up to and including" in page or "No dated figures yet" in page
    assert "source" in page.lower()


@pytest.mark.django_db
def test_portfolio_headlines_equal_the_database(admin_client, demo_data):
    totals = Programme.objects.money_totals()

    response = admin_client.get("/")

    page = response.content.decode()
    expected = format_gbp_short(totals["whole_life_cost_total"])
    reporting = totals["whole_life_cost_reported"]
    assert expected in page
    assert f"from {reporting} of {Programme.objects.count()} programmes" in page


@pytest.mark.django_db
def test_department_chart_table_sums_equal_the_database(demo_data):
    card = portfolio_dashboard().departments_card
    total = Decimal("0")
    for row in card.rows:
        total += row[1].value or 0

    expected = Programme.objects.money_totals()["whole_life_cost_total"]
    assert total == expected


@pytest.mark.django_db
def test_least_benefit_department_is_named(demo_data):
    card = portfolio_dashboard().departments_card

    ratios = {
        row[0].text: row[5].value for row in card.rows if row[5].value is not None
    }
    worst = min(ratios, key=ratios.get)
    assert f"the least benefit for the money is {worst}'s" in card.description
    assert f"£{ratios[worst]:.2f} of benefits for each £1" in card.description
    assert "No benefits published by:" in card.description
    assert "CO" in card.description.split("No benefits published by:")[1]


@pytest.mark.django_db
def test_every_chart_is_a_valid_plotly_figure_with_its_numbers_in_a_table(demo_data):
    programme = Programme.objects.get(slug="hmcts-reform")
    from programmes.dashboards import programme_dashboard

    dashboard = programme_dashboard(programme)
    cards = [
        dashboard.years_card,
        dashboard.cumulative_card,
        dashboard.end_date_card,
        dashboard.ratings_card,
        portfolio_dashboard().departments_card,
        *[
            getattr(department_dashboard(Department.objects.get(abbreviation="MOJ")), n)
            for n in ("cumulative_card", "scatter_card")
        ],
    ]

    for card in cards:
        figure = go.Figure(card.figure)  # raises on anything plotly does not know
        assert figure.data, card.title
        assert card.rows, card.title
        assert card.description.endswith(".")


@pytest.mark.django_db
def test_programme_years_table_matches_the_figures_exactly(admin_client, demo_data):
    response = admin_client.get("/programmes/hmcts-reform/?download=years")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_year = {r["Financial year"]: r for r in rows}
    assert by_year["2020-21"]["Baseline (£)"] == "258160000.00"
    assert by_year["2020-21"]["Forecast (£)"] == "213480000.00"
    assert by_year["2020-21"]["Variance (£)"] == "-44680000.00"
    assert by_year["2020-21"]["Variance (%)"] == "-17.31"
    assert by_year["2020-21"]["Variance as published (%)"] == "-17.00"
    assert response["Content-Type"].startswith("text/csv")


@pytest.mark.django_db
def test_unknown_chart_download_is_a_clear_404(admin_client, demo_data):
    response = admin_client.get("/programmes/hmcts-reform/?download=nope")

    assert response.status_code == 404
    assert "no chart called 'nope'" in response.content.decode()


@pytest.mark.django_db
def test_hmcts_end_date_slip_is_shown(admin_client, demo_data):
    page = admin_client.get("/programmes/hmcts-reform/").content.decode()

    assert "31 March 2025 (first reported 1 January 2016: 3,377 days later)" in page
    assert "Reported end date, release by release" in page


@pytest.mark.django_db
def test_rating_since_is_shown_for_red_and_amber_red(admin_client, demo_data):
    page = admin_client.get("/programmes/?rating=amber_red").content.decode()

    assert "Customs Declaration Service" in page
    assert "since Sep 2018" in page
    assert "1 programme matches" in page


@pytest.mark.django_db
def test_a_newer_real_terms_figure_names_its_prices_year(admin_client):
    from .factories import FigureFactory, ProgrammeFactory

    programme = ProgrammeFactory()
    common = {"programme": programme, "period": "whole_life", "financial_year": None}
    FigureFactory(data_date=datetime.date(2021, 3, 31), is_current=False, **common)
    FigureFactory(
        data_date=datetime.date(2022, 3, 31),
        price_basis="real",
        price_base_year=2021,
        amount_gbp=Decimal("2000000.00"),
        **common,
    )

    page = admin_client.get(f"/programmes/{programme.slug}/").content.decode()

    assert "In the latest release (data of 31 March 2022): £2,000,000" in page
    assert "(real terms, 2021-22 prices; not added to nominal totals)" in page


@pytest.mark.django_db
def test_a_rating_count_says_programme_or_programmes_to_a_screen_reader(
    admin_client, demo_data
):
    page = admin_client.get("/").content.decode()

    hidden = '<span class="govuk-visually-hidden">'
    assert 1 in Programme.objects.rating_counts().values()  # one rated Amber/red
    assert f">1{hidden} programme rated " in page
    assert f">1{hidden} programmes rated " not in page
    assert f"{hidden} programmes rated " in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ("department=ministry-of-justice", "HMCTS Reform", "Universal"),
        ("rating=green", "HMCTS Reform", "Smarter Working"),
        ("q=border", "Digital Services at the Border", "HMCTS Reform"),
        ("status=completed", "NHS COVID-19 app", "HMCTS Reform"),
        ("category=ict", "Digital Services at the Border", "HMCTS Reform"),
    ],
)
def test_filters_change_the_rows(admin_client, demo_data, query, present, absent):
    page = admin_client.get(f"/programmes/?{query}").content.decode()

    assert present in page
    assert absent not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("department=not-a-department", 400),
        ("rating=purple", 400),
        ("sort=%00", 400),
        ("page=-1", 400),
        ("page=abc", 400),
        ("q=" + "x" * 5000, 200),
        ("status=%F0%9F%92%A5", 400),
    ],
)
def test_odd_query_strings_never_fail(admin_client, demo_data, query, status):
    response = admin_client.get(f"/programmes/?{query}")

    assert response.status_code == status


@pytest.mark.django_db
def test_invalid_filter_names_the_field_and_value(admin_client, demo_data):
    page = admin_client.get("/programmes/?rating=purple").content.decode()

    assert "There is a problem with the filters" in page
    assert (
        "Delivery confidence: Select a valid choice. purple is not one of the available choices."
        in page
    )


@pytest.mark.django_db
def test_sorting_by_whole_life_cost(admin_client, demo_data):
    descending = admin_client.get(
        "/programmes/?sort=-whole_life_cost_gbp"
    ).content.decode()
    ascending = admin_client.get(
        "/programmes/?sort=whole_life_cost_gbp"
    ).content.decode()

    assert descending.index("Emergency Services Mobile") < descending.index(
        "HMCTS Reform"
    )
    assert ascending.index("HMCTS Reform") < ascending.index(
        "Emergency Services Mobile"
    )
    # Not reported comes last both ways.
    assert descending.index("Emergency Services Mobile") < descending.index(
        "Prison digital kiosks"
    )
    assert ascending.index("Emergency Services Mobile") < ascending.index(
        "Prison digital kiosks"
    )


@pytest.mark.django_db
def test_disruption_page_totals(admin_client, demo_data):
    page = admin_client.get(
        reverse(
            "programmes:disruption-detail",
            args=["digital-services-at-the-border-reset-2019"],
        )
    ).content.decode()

    assert format_gbp_whole(Decimal("173000000")) in page
    assert "1,096 days" in page


@pytest.mark.django_db
def test_eu_exit_lists_the_programmes_it_hit(admin_client, demo_data):
    page = admin_client.get("/disruptions/eu-exit/").content.decode()

    assert "Customs Declaration Service" in page
    assert "Digital Services at the Border" in page
    assert "Not quantified" in page


@pytest.mark.django_db
def test_withheld_whole_life_cost_is_shown_as_withheld(admin_client, demo_data):
    programme = Programme.objects.get(slug="hmcts-reform")
    FinancialFigure.objects.create(
        programme=programme,
        measure="cost",
        kind="baseline",
        period="whole_life",
        data_date=datetime.date(2026, 3, 31),
        withheld_text="Exempt under Section 43",
        source=programme.figures.first().source,
        is_current=False,
    )
    FinancialFigure.objects.filter(
        programme=programme, period="whole_life", measure="cost"
    ).update(is_current=False)
    FinancialFigure.objects.filter(withheld_text="Exempt under Section 43").update(
        is_current=True
    )

    page = admin_client.get("/programmes/hmcts-reform/").content.decode()

    assert "Withheld: “Exempt under Section 43”" in page


@pytest.mark.django_db
def test_sign_in_is_throttled_and_an_admin_can_unlock(client, superuser):
    from axes.models import AccessAttempt

    for _ in range(5):
        client.post("/sign-in/", {"username": "admin-tester", "password": "wrong"})

    locked = client.post(
        "/sign-in/", {"username": "admin-tester", "password": "a-test-password-1"}
    )

    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()
    AccessAttempt.objects.all().delete()  # what "unlock" in the admin does
    unlocked = client.post(
        "/sign-in/", {"username": "admin-tester", "password": "a-test-password-1"}
    )
    assert unlocked.status_code == 302


@pytest.mark.django_db
def test_synthetic_programmes_are_tagged(admin_client):
    from .factories import ProgrammeFactory

    programme = ProgrammeFactory(name="Generated one")

    listing = admin_client.get("/programmes/").content.decode()
    page = admin_client.get(f"/programmes/{programme.slug}/").content.decode()

    assert (
        'Generated one</a> <strong class="govuk-tag govuk-tag--purple">Synthetic</strong>'
        in listing
    )
    assert "This programme is synthetic" in page


@pytest.mark.django_db
def test_generate_portfolio_refuses_to_mix_into_real_data(demo_data):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="holds real programmes"):
        call_command("generate_portfolio", "--programmes", "3")


@pytest.mark.django_db
def test_published_variance_is_checked_against_the_figures(admin_client, demo_data):
    response = admin_client.get("/programmes/universal-credit/?download=years")
    rows = {
        r["Financial year"]: r
        for r in csv.DictReader(io.StringIO(response.content.decode()))
    }

    # NISTA's 2024-25 file publishes 2.10 without its sign; the figures give -2.10.
    assert rows["2024-25"]["Variance (%)"] == "-2.10"
    assert rows["2024-25"]["Variance as published (%)"] == "2.10"
    assert (
        rows["2024-25"]["Published variance agrees with the figures?"]
        == "Yes (within rounding)"
    )
    figure = FinancialFigure.objects.get(
        programme__slug="universal-credit",
        kind="forecast",
        period="year",
        financial_year=2020,
        is_current=True,
    )
    figure.published_variance_pct = Decimal(
        "-24.00"
    )  # the wrong sign: a real disagreement
    figure.save()
    changed = admin_client.get("/programmes/universal-credit/?download=years")
    rows = {
        r["Financial year"]: r
        for r in csv.DictReader(io.StringIO(changed.content.decode()))
    }
    assert (
        rows["2020-21"]["Published variance agrees with the figures?"]
        == "No: differs beyond rounding"
    )
