"""Query strings and URLs a page cannot use answer 4xx with a message that names
the value (JSON under /api/), never a 500 or a silent fallback."""

import pytest
from django.utils import timezone

from .factories import ProgrammeFactory

# Reads what pages say, never the context they were rendered with.
pytestmark = pytest.mark.usefixtures("plain_templates")


@pytest.fixture
def programme(db):
    return ProgrammeFactory(slug="real-programme")


@pytest.mark.parametrize(
    ("url", "query", "message"),
    [
        ("/programmes/", {"sort": "nonsense"}, "no column &#x27;nonsense&#x27;"),
        ("/programmes/", {"sort": "name,-bogus"}, "no column &#x27;bogus&#x27;"),
        ("/", {"sort": "-"}, "no column"),
        ("/reports/budget/", {"sort": "programme"}, "this table cannot be sorted"),
        ("/programmes/", {"per_page": "0"}, "per_page=&#x27;0&#x27;"),
        ("/programmes/", {"per_page": "-5"}, "from 1 to 100"),
        ("/programmes/", {"per_page": "100000"}, "from 1 to 100"),
        ("/reports/exports/", {"per_page": "ten"}, "from 1 to 100"),
        ("/programmes/", {"page": "first"}, "page=&#x27;first&#x27;"),
        ("/programmes/", {"page": "9" * 40}, "is not a whole number"),
        ("/programmes/", {"page": "7"}, "There is no page 7: the table has 1"),
    ],
)
def test_table_parameters_the_table_cannot_use_are_400s(
    auditor_client, programme, url, query, message
):
    response = auditor_client.get(url, query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_good_table_parameters_still_work(auditor_client, programme):
    response = auditor_client.get(
        "/programmes/", {"sort": "-whole_life_cost_gbp,name", "per_page": "100"}
    )

    assert response.status_code == 200
    assert "Synthetic Programme" in response.content.decode()


@pytest.mark.parametrize(
    ("as_at", "message"),
    [
        ("2999-01-01", "is in the future"),
        ("1066-10-14", "before any figure could have been recorded"),
        ("2021-02-30", "is not a date"),
        ("yesterday\x00", "is not a date"),
    ],
)
def test_as_at_far_off_or_malformed_is_a_400(auditor_client, db, as_at, message):
    response = auditor_client.get("/reports/budget/", {"as_at": as_at})

    assert response.status_code == 400
    assert message in response.content.decode()


def test_as_at_today_is_accepted(auditor_client, db):
    today = timezone.localdate().isoformat()

    response = auditor_client.get("/reports/budget/", {"as_at": today})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "0001-01-01"},
        {"date_to": "2999-01-01"},
        {"date_from": "31/31/2020"},
    ],
)
def test_change_log_dates_out_of_range_are_400s(auditor_client, db, query):
    response = auditor_client.get("/reports/changes/", query)

    assert response.status_code == 400
    assert "govuk-error-message" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [{"department": "no-such-department"}, {"rating": "purple"}, {"q": "a\x00b"}],
)
def test_programme_filters_with_junk_are_400s_that_say_why(
    auditor_client, programme, query
):
    response = auditor_client.get("/programmes/", query)

    assert response.status_code == 400
    assert "There is a problem with the filters" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/programmes/" + "9" * 30 + "/",
        "/api/v1/programmes/99999/",
        "/api/v1/programmes/a%00b/",
        "/api/v1/programmes/%C2%B2/",  # a superscript two: a digit, but not 0-9
        "/api/v1/departments/" + "9" * 30 + "/",
        "/api/v1/departments/%00/",
        "/api/v1/no-such-thing/",
    ],
)
def test_api_urls_with_junk_ids_are_json_404s(auditor_client, programme, path):
    response = auditor_client.get(path)

    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "query", [{"department": "nowhere"}, {"rating": "purple"}, {"page": "junk"}]
)
def test_api_junk_parameters_are_json_4xx(auditor_client, programme, query):
    response = auditor_client.get("/api/v1/programmes/", query)

    assert 400 <= response.status_code < 500
    assert response.json()


def test_the_api_finds_a_programme_by_its_number(auditor_client, programme):
    response = auditor_client.get(f"/api/v1/programmes/{programme.pk}/")

    assert response.json()["id"] == "real-programme"


@pytest.mark.parametrize(
    ("url", "prefix"),
    [
        ("/reports/budget/", "as_at"),
        ("/reports/changes/", "date_from"),
        ("/api/v1/budget-lines/", "as_at"),
    ],
)
@pytest.mark.parametrize("part", ["day", "month"])
def test_a_day_or_month_of_ten_digits_is_a_400_not_a_500(
    auditor_client, db, url, prefix, part
):
    query = {f"{prefix}_day": "1", f"{prefix}_month": "9", f"{prefix}_year": "2020"}
    query[f"{prefix}_{part}"] = "9" * 10

    assert auditor_client.get(url, query).status_code == 400


@pytest.mark.django_db
def test_a_programme_whose_end_date_is_the_last_day_of_the_calendar_still_draws(
    auditor_client,
):
    import datetime

    from programmes.models import ScheduleSnapshot

    from .factories import ProgrammeFactory, SourceFactory

    programme = ProgrammeFactory()
    for data_date, end in (
        (2021, datetime.date.max),
        (2022, datetime.date(2024, 3, 1)),
    ):
        ScheduleSnapshot.objects.create(
            programme=programme,
            data_date=datetime.date(data_date, 3, 31),
            end_date=end,
            source=SourceFactory(),
        )

    response = auditor_client.get(f"/programmes/{programme.slug}/")

    assert response.status_code == 200
    assert "9999-12-31" in response.content.decode()
