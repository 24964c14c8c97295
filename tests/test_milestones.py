"""Milestones keep every dated statement, each as precise as its source; the slip
is counted at the coarser precision of the two dates."""

import csv
import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.services import create_user_with_role
from programmes import periods
from programmes.demo import MILESTONES, load_demo_data
from programmes.milestones import record_statement
from programmes.models import Department, Milestone, MilestoneStatement, Programme

from .factories import MilestoneFactory, SourceFactory

D = datetime.date
ALL_CLAIMANTS = "All claimants moved to Universal Credit"


def _login(client, role, departments=()):
    client.force_login(
        create_user_with_role(
            username=f"test-{role}",
            role=role,
            password="a-long-test-password-1",
            departments=departments,
        )
    )


def _csv_rows():
    with MILESTONES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("day", "precision", "text"),
    [
        (D(2012, 10, 17), "day", "17 October 2012"),
        (D(2019, 3, 31), "month", "March 2019"),
        (D(2019, 6, 30), "quarter", "April to June 2019"),
        (D(2019, 8, 31), "season", "summer 2019"),
        (D(2019, 2, 28), "season", "winter 2018-19"),
        (D(2019, 12, 31), "year", "2019"),
        (D(2026, 3, 31), "financial-year", "2025-26"),
    ],
)
def test_dates_display_at_their_precision(day, precision, text):
    assert periods.format_precise_date(day, precision) == text


@pytest.mark.parametrize(
    ("written", "precision", "stored"),
    [
        ("2019", "year", D(2019, 12, 31)),
        ("2023-12", "year", D(2023, 12, 31)),
        ("2017-12", "month", D(2017, 12, 31)),
        ("2019-06", "quarter", D(2019, 6, 30)),
        ("2026-03-31", "financial-year", D(2026, 3, 31)),
        ("2024-02", "month", D(2024, 2, 29)),
    ],
)
def test_a_date_is_stored_as_its_periods_last_day(written, precision, stored):
    assert periods.parse_precise_date(written, precision) == stored


@pytest.mark.parametrize(
    ("written", "precision"),
    [
        ("2019", "month"),
        ("2019", "financial-year"),
        ("2019-03", "day"),
        ("2019", "era"),
    ],
)
def test_a_date_less_precise_than_claimed_is_refused(written, precision):
    with pytest.raises(ValueError, match=written):
        periods.parse_precise_date(written, precision)


@pytest.mark.parametrize(
    ("earlier", "later", "count", "unit"),
    [
        ((D(2017, 12, 31), "month"), (D(2026, 3, 31), "month"), 99, "month"),
        ((D(2013, 11, 30), "month"), (D(2019, 12, 31), "year"), 6, "year"),
        ((D(2028, 12, 31), "year"), (D(2025, 12, 31), "month"), -3, "year"),
        ((D(2020, 12, 31), "year"), (D(2026, 3, 31), "financial-year"), 5, "year"),
        ((D(2017, 3, 31), "day"), (D(2021, 10, 29), "day"), 1673, "day"),
        ((D(2019, 3, 31), "month"), (D(2019, 6, 30), "quarter"), 1, "quarter"),
        ((D(2023, 12, 31), "year"), (D(2023, 12, 31), "month"), 0, "year"),
    ],
)
def test_slip_is_counted_at_the_coarser_precision(earlier, later, count, unit):
    slip = periods.slip_between(*earlier, *later)

    assert (slip.count, slip.unit) == (count, unit)


def test_slip_reads_in_words():
    assert str(periods.Slip(99, "month")) == "99 months later"
    assert str(periods.Slip(-3, "year")) == "3 years earlier"
    assert str(periods.Slip(1, "year")) == "1 year later"
    assert str(periods.Slip(0, "year")) == "no change at the precision of a year"


@pytest.mark.django_db
def test_every_statement_of_the_file_is_loaded_with_its_source(demo_data):
    rows = _csv_rows()
    loaded = set()
    for row in rows:
        statement = MilestoneStatement.objects.get(
            milestone__title=row["milestone"],
            kind=row["kind"],
            date=periods.parse_precise_date(row["date"], row["precision"]),
            precision=row["precision"],
            source__title=row["source_title"],
            source__url=row["url"],
        )
        assert statement.source.publisher == row["publisher"]
        assert statement.milestone.programme.gmpp_id == (row["gmpp_id"] or None)
        loaded.add(statement.pk)

    assert len(rows) == len(loaded) == 79
    milestones = Milestone.objects.filter(statements__in=loaded).distinct()
    assert milestones.count() == 51
    # Besides the file, one statement from the demo facts (the COVID-19 app closing).
    assert MilestoneStatement.objects.count() == 80


@pytest.mark.django_db
def test_sources_keep_their_dates_and_kinds(demo_data):
    statements = MilestoneStatement.objects.filter(milestone__title=ALL_CLAIMANTS)
    hansard = statements.get(date=D(2026, 3, 31)).source
    first = statements.get(date=D(2017, 12, 31)).source

    assert hansard.published_on == D(2024, 11, 12)
    assert hansard.kind == "parliament"
    assert first.published_year == 2014
    assert first.publisher == "House of Commons Work and Pensions Committee"


@pytest.mark.django_db
def test_loading_milestones_twice_changes_nothing(demo_data):
    before = (
        MilestoneStatement.history.count(),
        Milestone.history.count(),
        MilestoneStatement.objects.count(),
    )

    second = load_demo_data()

    assert second.changes == 0
    assert (
        MilestoneStatement.history.count(),
        Milestone.history.count(),
        MilestoneStatement.objects.count(),
    ) == before


@pytest.mark.django_db
def test_milestone_dates_are_derived_from_its_statements(demo_data):
    milestone = Milestone.objects.get(title=ALL_CLAIMANTS)
    esa = Milestone.objects.get(title="Migration of ESA-only claimants")

    assert (milestone.baseline_text, milestone.forecast_text) == (
        "December 2017",
        "March 2026",
    )
    assert milestone.actual_date is None
    assert milestone.status == Milestone.Status.NOT_ACHIEVED
    assert str(milestone.slip) == "99 months later"
    # It moved earlier: 2028 (a year) to December 2025 (a month), counted in years.
    assert esa.forecast_text == "December 2025"
    assert esa.slip is None  # no baseline was published for it


@pytest.mark.django_db
def test_universal_credit_page_shows_the_milestone_and_its_history(client, demo_data):
    _login(client, "civil-servant")
    milestone = Milestone.objects.get(title=ALL_CLAIMANTS)
    sources = {
        row["source_title"] for row in _csv_rows() if row["milestone"] == ALL_CLAIMANTS
    }

    page = client.get("/programmes/universal-credit/")
    download = client.get(
        f"/programmes/universal-credit/?download=milestone-{milestone.pk}"
    )

    text = page.content.decode()
    card = next(
        c
        for c in page.context["dashboard"].milestone_cards
        if c.title.startswith(ALL_CLAIMANTS)
    )
    assert page.status_code == 200
    assert "First planned for December 2017 (stated November 2011)" in card.description
    assert "latest forecast March 2026: 99 months later" in card.description
    assert card.description in text
    assert len(card.rows) == 9
    assert "99 months later" in text
    for title in sources:
        assert title.replace("'", "&#x27;") in text
    assert download.status_code == 200
    assert b"2026-03-31" in download.content
    assert "1 January" not in text


@pytest.mark.django_db
def test_recording_a_forecast_refreshes_the_milestone():
    milestone = MilestoneFactory(baseline_date=D(2021, 3, 31))
    source = SourceFactory()
    _record(
        milestone,
        "Business case",
        kind="baseline",
        date=D(2021, 3, 31),
        precision="month",
        source=source,
    )

    _record(
        milestone,
        "New forecast",
        kind="forecast",
        date=D(2023, 12, 31),
        precision="year",
        stated_on=D(2022, 6, 30),
        stated_on_precision="month",
        source=source,
    )

    milestone.refresh_from_db()
    assert (milestone.forecast_date, milestone.forecast_precision) == (
        D(2023, 12, 31),
        "year",
    )
    assert str(milestone.slip) == "2 years later"
    assert milestone.history.first().history_change_reason == "New forecast"


@pytest.mark.django_db
def test_an_actual_statement_marks_the_milestone_achieved():
    milestone = MilestoneFactory()

    _record(milestone, "Done", kind="actual", date=D(2022, 5, 31), precision="month")

    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.ACHIEVED
    assert milestone.actual_text == "May 2022"


@pytest.mark.django_db
def test_a_date_that_is_not_its_periods_end_is_refused_and_nothing_written():
    milestone = MilestoneFactory()

    with pytest.raises(ValidationError, match="31 March 2019"):
        _record(
            milestone, "Typo", kind="forecast", date=D(2019, 3, 1), precision="month"
        )

    milestone.refresh_from_db()
    assert not milestone.statements.exists()
    assert milestone.forecast_date is None


def _record(milestone, reason, *, source=None, **fields):
    statement = MilestoneStatement(
        milestone=milestone, source=source or SourceFactory(), **fields
    )
    return record_statement(statement, reason=reason)


def _inline_post(milestone, source, **statement):
    prefix = "statements"
    return {
        "programme": milestone.programme.pk,
        "title": milestone.title,
        "baseline_date": "",
        "baseline_precision": "day",
        "forecast_date": "",
        "forecast_precision": "day",
        "actual_date": "",
        "actual_precision": "day",
        "status": milestone.status,
        "source": milestone.source.pk,
        "change_reason": "New forecast",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-kind": "forecast",
        f"{prefix}-0-date": "2027-03-31",
        f"{prefix}-0-precision": "month",
        f"{prefix}-0-stated_on": "",
        f"{prefix}-0-stated_on_precision": "",
        f"{prefix}-0-source": source.pk,
        **statement,
    }


@pytest.mark.django_db
def test_programme_admin_adds_a_forecast_statement_in_the_admin(client, demo_data):
    _login(client, "programme-admin", Department.objects.filter(abbreviation="MOJ"))
    milestone = Milestone.objects.get(title="Common Platform fully delivered")
    source = milestone.source
    before = milestone.statements.count()

    response = client.post(
        f"/admin/programmes/milestone/{milestone.pk}/change/",
        _inline_post(milestone, source),
    )

    milestone.refresh_from_db()
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert milestone.statements.count() == before + 1
    assert (milestone.forecast_text, milestone.slip) == ("March 2027", None)


@pytest.mark.django_db
def test_programme_admin_cannot_add_a_statement_to_another_departments_milestone(
    client, demo_data
):
    _login(client, "programme-admin", Department.objects.filter(abbreviation="MOJ"))
    milestone = Milestone.objects.get(title=ALL_CLAIMANTS)
    before = milestone.statements.count()

    page = client.get(f"/admin/programmes/milestone/{milestone.pk}/change/")
    response = client.post(
        f"/admin/programmes/milestone/{milestone.pk}/change/",
        _inline_post(milestone, milestone.source),
    )

    # Refused, and told whose it is (not "doesn't exist").
    assert page.status_code == 403
    assert "belongs to Department for Work and Pensions" in page.content.decode()
    assert response.status_code == 403
    assert milestone.statements.count() == before
    assert (
        Programme.objects.get(slug="universal-credit").department.abbreviation == "DWP"
    )


@pytest.mark.django_db
def test_api_gives_each_milestone_its_statements_with_precision(client, demo_data):
    _login(client, "civil-servant")

    body = client.get("/api/v1/programmes/universal-credit/").json()

    milestone = next(m for m in body["milestones"] if m["title"] == ALL_CLAIMANTS)
    assert (milestone["forecast_date"], milestone["forecast_precision"]) == (
        "2026-03-31",
        "month",
    )
    assert len(milestone["statements"]) == 9
    precisions = {
        s["precision"] for s in milestone["statements"] if s["date"] == "2024-12-31"
    }
    assert precisions == {"year", "month"}  # "2024" and "December 2024" kept apart
