"""Pages a person reads at a glance: sorting as people expect, one style for numbers
and dates, chart axes in the unit of their labels."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from programmes import charts
from programmes.models import DeliveryConfidenceAssessment
from programmes.money import chart_unit, format_gbp_whole, format_pct
from programmes.wording import count_text, signed_count_text

from .factories import AssessmentFactory, FigureFactory, ProgrammeFactory

Rating = DeliveryConfidenceAssessment.Rating


def _names_in_list(client, sort):
    query = {"sort": sort} if sort else {}
    page = client.get(reverse("programmes:programme-list"), query)
    assert page.status_code == 200
    return re.findall(
        r'class="govuk-link" href="/programmes/[^"]+">([^<]+)</a>', page.text
    )


@pytest.mark.django_db
def test_delivery_confidence_sorts_by_severity_with_unrated_last(auditor_client):
    for name, rating in [
        ("Green one", Rating.GREEN),
        ("Exempt one", Rating.EXEMPT),
        ("Red one", Rating.RED),
        ("Amber one", Rating.AMBER),
        ("Amber/Red one", Rating.AMBER_RED),
    ]:
        AssessmentFactory(programme=ProgrammeFactory(name=name), rating=rating)
    ProgrammeFactory(name="Unrated one")

    worst_first = _names_in_list(auditor_client, "latest_rating")
    best_first = _names_in_list(auditor_client, "-latest_rating")

    assert worst_first == [
        "Red one",
        "Amber/Red one",
        "Amber one",
        "Green one",
        "Exempt one",
        "Unrated one",
    ]
    assert best_first[:4] == ["Green one", "Amber one", "Amber/Red one", "Red one"]
    assert best_first[4:] == ["Exempt one", "Unrated one"]


@pytest.mark.django_db
def test_names_sort_without_regard_to_case(auditor_client):
    for name in ["beta", "Alpha", "gamma", "Delta"]:
        ProgrammeFactory(name=name)

    assert _names_in_list(auditor_client, "name") == ["Alpha", "beta", "Delta", "gamma"]
    assert _names_in_list(auditor_client, "-name") == [
        "gamma",
        "Delta",
        "beta",
        "Alpha",
    ]
    assert _names_in_list(auditor_client, None) == ["Alpha", "beta", "Delta", "gamma"]


def test_pages_show_a_true_minus_and_counts_in_words():
    assert format_gbp_whole(Decimal("-44680000")) == "\u2212£44,680,000"
    assert format_pct(Decimal("-8.21")) == "\u22128.21%"
    assert count_text(1, "day") == "1 day"
    assert count_text(3377, "day") == "3,377 days"
    assert count_text(1, "programme") == "1 programme"
    assert count_text(2, "person", "people") == "2 people"
    assert signed_count_text(-1096, "day") == "\u22121,096 days"
    assert signed_count_text(1, "day") == "+1 day"


@pytest.mark.parametrize(
    ("largest", "title", "suffix"),
    [
        (Decimal("22580000000"), "£ billion", "bn"),
        (Decimal("999999999"), "£ million", "m"),
        (Decimal("242000000"), "£ million", "m"),
    ],
)
def test_a_chart_axis_uses_the_unit_of_its_labels(largest, title, suffix):
    _, axis_title, _, tick_suffix = chart_unit([Decimal("1000"), None, largest])

    assert (axis_title, tick_suffix) == (title, suffix)


class _Department:
    def __init__(self, abbreviation, cost, benefits):
        self.name = self.abbreviation = abbreviation
        self.programme_count = 1
        self.whole_life_cost_total = self.matched_cost_gbp = cost
        self.benefits_total = self.matched_benefits_gbp = benefits
        self.whole_life_cost_reported = self.benefits_reported = 1


def test_department_bars_axis_ticks_agree_with_the_bar_labels():
    departments = [
        _Department("DWP", Decimal("17310000000"), Decimal("70640000000")),
        _Department("MOJ", Decimal("2040000000"), Decimal("2550000000")),
    ]

    card = charts.department_bars_card(
        slug="d", departments=departments, data_up_to=None, source=""
    )

    axis = card.figure["layout"]["xaxis"]
    assert axis["title"]["text"] == "£ billion"
    assert axis["ticksuffix"] == "bn"
    assert card.subtitle.startswith("£ billion")
    cost = card.figure["data"][0]
    for value, label in zip(cost["x"], cost["text"], strict=True):
        # The bar's length in the axis unit is the number its label states.
        assert label == f"£{value:.2f}".rstrip("0").rstrip(".") + "bn"
    assert card.figure["layout"]["uniformtext"]["mode"] == "hide"


@pytest.mark.django_db
def test_delivery_confidence_axis_runs_red_to_green_with_unrated_apart():
    programme = ProgrammeFactory()
    for year, rating in [
        (2019, Rating.RED),
        (2020, Rating.EXEMPT),
        (2021, Rating.GREEN),
    ]:
        AssessmentFactory(
            programme=programme, rating=rating, data_date=datetime.date(year, 3, 31)
        )
    assessments = list(programme.assessments.order_by("data_date"))

    card = charts.ratings_card(
        slug="r", scope="x", assessments=assessments, data_up_to=None, source=""
    )

    layout = card.figure["layout"]
    assert layout["yaxis"]["categoryarray"] == [
        "Red",
        "Amber/Red",
        "Amber",
        "Amber/Green",
        "Green",
    ]
    assert "Exempt" in layout["yaxis2"]["categoryarray"]
    # The scale and the off-scale panel do not overlap: Exempt is not "below Red".
    assert layout["yaxis"]["domain"][1] < layout["yaxis2"]["domain"][0]
    on_scale, off_scale = card.figure["data"]
    assert on_scale["y"] == ["Red", None, "Green"]
    assert off_scale["yaxis"] == "y2"
    assert off_scale["y"] == ["Exempt"]


@pytest.mark.django_db
def test_the_change_log_names_records_in_words(auditor_client):
    figure = FigureFactory()
    programme = figure.programme

    page = auditor_client.get(reverse("programmes:change-log")).text

    assert f"programme: {programme.name}" in page
    assert f"source: {figure.source.title}" in page
    assert f"department: {programme.department.name}" in page
    assert f"programme: {programme.pk};" not in page
    assert f"source: {figure.source.pk};" not in page


@pytest.mark.django_db
def test_the_change_log_filters_by_a_programme_named_in_any_case(auditor_client):
    wanted, other = ProgrammeFactory(name="Prison Digital"), ProgrammeFactory()

    by_name = auditor_client.get(
        reverse("programmes:change-log"), {"programme": "prison DIGITAL"}
    )
    unknown = auditor_client.get(
        reverse("programmes:change-log"), {"programme": "No such thing"}
    )
    suggestions = auditor_client.get(
        reverse("programmes:change-log-programmes"), {"q": "digi"}
    ).json()

    assert by_name.status_code == 200
    assert wanted.name in by_name.text
    assert other.name not in by_name.text.split("</form>")[1]
    assert unknown.status_code == 400
    assert "No programme is called" in unknown.text
    assert suggestions == {"programmes": [{"name": wanted.name, "slug": wanted.slug}]}
    # No select holding every programme.
    assert f'<option value="{other.slug}"' not in by_name.text


@pytest.mark.django_db
def test_the_change_log_field_filter_lists_the_fields_changed(auditor_client):
    figure = FigureFactory()
    figure.amount_gbp = Decimal("2000000.00")
    figure._change_reason = "typo"
    figure.save()

    page = auditor_client.get(reverse("programmes:change-log")).text
    filtered = auditor_client.get(
        reverse("programmes:change-log"), {"field": "amount (£)"}
    )

    assert '<select name="field"' in page
    assert '<option value="amount (£)">amount (£)</option>' in page
    assert filtered.status_code == 200


@pytest.mark.django_db
def test_a_programme_page_links_auditors_to_its_change_history(auditor_client, client):
    from accounts.services import create_user_with_role

    programme = ProgrammeFactory()
    url = reverse("programmes:programme-detail", args=[programme.slug])
    link = f"/reports/changes/?programme={programme.slug}"
    reader = create_user_with_role(
        username="reader", role="civil-servant", password="a-long-test-password-2"
    )

    as_auditor = auditor_client.get(url).text
    client.force_login(reader)
    as_reader = client.get(url).text

    assert link in as_auditor
    assert link not in as_reader


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "1/1/2020"},
        {"date_from": "1 January 2020"},
        {"date_from": "2020-01-01"},
        {"date_from_day": "1", "date_from_month": "1", "date_from_year": "2020"},
        {"date_from_day": "01", "date_from_month": "jan", "date_from_year": "2020"},
    ],
)
@pytest.mark.django_db
def test_date_filters_take_the_uk_ways_of_writing_a_date(auditor_client, query):
    page = auditor_client.get(reverse("programmes:change-log"), query)

    assert page.status_code == 200
    assert page.context["form"].cleaned_data["date_from"] == datetime.date(2020, 1, 1)
    # GOV.UK's date input: a day, a month and a year box in a fieldset.
    assert 'name="date_from_day"' in page.text
    assert 'value="2020"' in page.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"as_at_day": "31", "as_at_year": "2021"}, "As at must include a month"),
        (
            {"as_at_day": "31", "as_at_month": "2", "as_at_year": "2021"},
            "As at must be a real date",
        ),
        (
            {"as_at_day": "3", "as_at_month": "2", "as_at_year": "21"},
            "Year must include 4 numbers",
        ),
        ({"as_at": "31/31/2021"}, "is not a date: enter a day, month and year"),
    ],
)
@pytest.mark.django_db
def test_a_date_that_cannot_be_read_gets_a_helpful_error(
    auditor_client, query, message
):
    page = auditor_client.get(reverse("programmes:budget-report"), query)

    assert page.status_code == 400
    assert message in page.text


@pytest.mark.django_db
def test_as_at_from_three_boxes_is_the_end_of_that_day(auditor_client):
    page = auditor_client.get(
        reverse("programmes:budget-report"),
        {"as_at_day": "31", "as_at_month": "3", "as_at_year": "2021"},
    )

    moment = page.context["form"].cleaned_data["as_at"]
    assert (moment.date(), moment.hour, moment.minute) == (
        datetime.date(2021, 3, 31),
        23,
        59,
    )


@pytest.mark.django_db
def test_a_disruption_page_says_when_it_started_and_links_related_ones(
    auditor_client, demo_data
):
    eu_exit = auditor_client.get(
        reverse("programmes:disruption-detail", args=["eu-exit"])
    ).text
    reset = auditor_client.get(
        reverse(
            "programmes:disruption-detail",
            args=["digital-services-at-the-border-reset-2019"],
        )
    ).text

    assert "23 June 2016" in eu_exit
    assert 'href="/disruptions/digital-services-at-the-border-reset-2019/"' in eu_exit
    assert "also hit Digital Services at the Border" in eu_exit
    assert 'href="/disruptions/eu-exit/"' in reset
    assert "Not recorded" in reset  # its start day is not published


def test_change_log_text_without_ids_is_kept_exactly():
    from programmes.history import in_words
    from programmes.models import ChangeLogEntry

    summary = "name: A; B; description: x: y; note: "
    entry = ChangeLogEntry(field="", old_value="", new_value=summary, object_repr="z")

    in_words([entry])

    assert entry.new_value == summary
