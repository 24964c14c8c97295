"""Each programme's headline figures are kept as a row by database triggers
(programmes.summaries): after every kind of write, made any way, every kept
summary is exactly what working its figures and ratings out afresh gives, on either
database; a write rolled back leaves them as they were; and the totals every page
shows, read from them, are exact to the penny."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction

from programmes import budget_lines, summaries
from programmes.models import (
    DeliveryConfidenceAssessment,
    FinancialFigure,
    Programme,
    ProgrammeSummary,
)
from programmes.querysets import SUMMARY_COLUMNS

from .factories import (
    AssessmentFactory,
    FigureFactory,
    ProgrammeFactory,
    SourceFactory,
    make_portfolio,
)
from .writers import write_beside

pytestmark = pytest.mark.django_db

OLD = datetime.date(2020, 3, 31)
NEW = datetime.date(2022, 3, 31)


def _kept_and_computed():
    """(kept, computed): every programme's summary columns as the pages read them
    and as worked out afresh, by programme id."""
    columns = ("pk", *SUMMARY_COLUMNS)
    kept = Programme.objects.order_by("pk").with_dashboard_columns()
    computed = Programme.objects.order_by("pk").with_computed_summary()
    return list(kept.values_list(*columns)), list(computed.values_list(*columns))


def _assert_kept_is_computed():
    kept, computed = _kept_and_computed()
    assert kept == computed
    return kept


def _summary(programme):
    return ProgrammeSummary.objects.get(programme=programme)


def _whole_life(programme, amount, *, measure="cost", data_date=NEW, **fields):
    return FigureFactory(
        programme=programme,
        measure=measure,
        kind="baseline",
        period="whole_life",
        financial_year=None,
        data_date=data_date,
        amount_gbp=None if amount is None else Decimal(amount),
        **fields,
    )


def _actual(programme, amount, year=2021, **fields):
    return FigureFactory(
        programme=programme,
        kind="actual",
        financial_year=year,
        amount_gbp=Decimal(amount),
        **fields,
    )


def test_the_triggers_are_in_place_after_migrating():
    assert summaries.trigger_names(connection) == (
        summaries.expected_trigger_names(connection)
    )
    assert len(summaries.expected_trigger_names(connection)) > 2


def test_every_kind_of_write_to_the_figures_keeps_the_summaries_exact():
    make_portfolio(5)
    a, b = ProgrammeFactory(), ProgrammeFactory()
    source = SourceFactory()
    # Older releases' figures are no longer current (one current figure a kind).
    old = _whole_life(a, "100.10", data_date=OLD, source=source, is_current=False)
    assert _summary(a).whole_life_cost_gbp == Decimal("100.10")
    newer = _whole_life(a, "200.20", source=source, is_current=False)
    assert (_summary(a).whole_life_cost_gbp, _summary(a).whole_life_cost_date) == (
        Decimal("200.20"),
        NEW,
    )
    # A release in real terms, or one that withheld the amount, is not the newest
    # nominal figure.
    _whole_life(
        a,
        "999.99",
        data_date=datetime.date(2023, 3, 31),
        price_basis="real",
        price_base_year=2022,
        is_current=False,
    )
    _whole_life(a, None, data_date=datetime.date(2024, 3, 31), withheld_text="Exempt")
    assert _summary(a).whole_life_cost_gbp == Decimal("200.20")
    _assert_kept_is_computed()

    # Spend to date: the yearly actuals add up until a to-date figure is published.
    _actual(a, "10.01", 2020)
    _actual(a, "20.02", 2021)
    assert _summary(a).spend_to_date_gbp == Decimal("30.03")
    FigureFactory(
        programme=a,
        kind="actual",
        period="to_date",
        financial_year=None,
        amount_gbp=Decimal("35.00"),
    )
    assert _summary(a).spend_to_date_gbp == Decimal("35.00")
    _assert_kept_is_computed()

    # Saved through the ORM, a queryset update, and one that moves a figure to
    # another programme.
    newer.amount_gbp = Decimal("210.00")
    newer.save()
    assert _summary(a).whole_life_cost_gbp == Decimal("210.00")
    FinancialFigure.objects.filter(pk=newer.pk).update(programme=b)
    assert _summary(a).whole_life_cost_gbp == Decimal("100.10")
    assert _summary(b).whole_life_cost_gbp == Decimal("210.00")
    FinancialFigure.objects.filter(period="whole_life", withheld_text="").update(
        amount_gbp=Decimal("7.07")
    )
    _assert_kept_is_computed()

    # Bulk-created benefits, then deleted one by one and as a queryset.
    FinancialFigure.objects.bulk_create(
        [
            FinancialFigure(
                programme=programme,
                measure="benefit",
                kind="baseline",
                period="whole_life",
                data_date=NEW,
                amount_gbp=Decimal("55.55"),
                source=source,
            )
            for programme in (a, b)
        ]
    )
    assert _summary(a).benefits_gbp == _summary(b).benefits_gbp == Decimal("55.55")
    _assert_kept_is_computed()
    old.delete()
    FinancialFigure.objects.filter(programme=b).delete()
    assert _summary(b).whole_life_cost_gbp is None
    assert _summary(b).benefits_gbp is None
    _assert_kept_is_computed()


def test_every_kind_of_write_to_the_ratings_keeps_the_summaries_exact():
    programme = ProgrammeFactory()
    first = AssessmentFactory(programme=programme, data_date=OLD, rating="red")
    AssessmentFactory(
        programme=programme, data_date=datetime.date(2021, 3, 31), rating="amber"
    )
    latest = AssessmentFactory(programme=programme, data_date=NEW, rating="amber")
    summary = _summary(programme)
    assert (summary.latest_rating, summary.latest_rating_date) == ("amber", NEW)
    assert summary.rating_since == datetime.date(2021, 3, 31)

    # The oldest turns amber too: the run starts there.
    DeliveryConfidenceAssessment.objects.filter(pk=first.pk).update(rating="amber")
    assert _summary(programme).rating_since == OLD
    # The SRO and the central body rated the same day: the central body's counts.
    AssessmentFactory(
        programme=programme, data_date=NEW, rating="green", assessor="sro"
    )
    assert _summary(programme).latest_rating == "amber"
    # ... and the SRO's different view that day does not break the run.
    assert _summary(programme).rating_since == OLD
    latest.delete()
    assert _summary(programme).latest_rating == "green"
    assert _summary(programme).rating_since == NEW
    _assert_kept_is_computed()
    DeliveryConfidenceAssessment.objects.filter(programme=programme).delete()
    assert _summary(programme).latest_rating is None
    _assert_kept_is_computed()


def test_raw_sql_and_a_deleted_programme():
    programme = ProgrammeFactory()
    figure = _whole_life(programme, "10.00")
    table = FinancialFigure._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET amount_gbp = %s WHERE id = %s", ["12.34", figure.pk]
        )
    assert _summary(programme).whole_life_cost_gbp == Decimal("12.34")

    FinancialFigure.objects.filter(programme=programme).delete()
    assert ProgrammeSummary.objects.filter(programme=programme).exists()
    pk = programme.pk
    programme.delete()
    assert not ProgrammeSummary.objects.filter(programme_id=pk).exists()
    _assert_kept_is_computed()


def test_a_write_rolled_back_leaves_the_summaries_as_they_were():
    programme = ProgrammeFactory()
    figure = _whole_life(programme, "10.00")
    seen = []

    def fail_part_way():
        with transaction.atomic():
            FinancialFigure.objects.filter(pk=figure.pk).update(amount_gbp=99)
            AssessmentFactory(programme=programme, rating="red")
            seen.append(_summary(programme).whole_life_cost_gbp)
            seen.append(_summary(programme).latest_rating)
            raise RuntimeError("the import failed part way")

    with pytest.raises(RuntimeError):
        fail_part_way()
    assert seen == [Decimal("99.00"), "red"]  # the same transaction saw them
    assert _summary(programme).whole_life_cost_gbp == Decimal("10.00")
    assert _summary(programme).latest_rating is None
    _assert_kept_is_computed()


def test_install_puts_back_lost_triggers_and_makes_every_summary_again():
    """What a migration that remakes a table does on SQLite (its schema editor
    copies the table and drops its triggers), post_migrate undoes."""
    make_portfolio(4)
    names = summaries.expected_trigger_names(connection)
    with connection.cursor() as cursor:
        summaries.drop_triggers(connection, cursor)
    assert summaries.trigger_names(connection) == set()
    FinancialFigure.objects.filter(period="whole_life", withheld_text="").update(
        amount_gbp=5
    )
    kept, computed = _kept_and_computed()
    assert kept != computed  # stale without triggers

    budget_lines.install(connection)

    assert summaries.trigger_names(connection) == names
    _assert_kept_is_computed()


def test_totals_are_exact_to_the_penny_however_large():
    """SQLite holds money as floating point: a sum read back to 15 significant
    digits loses the pennies of a total over £10 trillion. The totals of the
    kept summaries are summed in whole pennies."""
    programmes = [ProgrammeFactory() for _ in range(13)]
    department = programmes[0].department
    Programme.objects.update(department=department)
    for programme in programmes[:12]:
        _whole_life(programme, "999999999999.99")
    _whole_life(programmes[12], "0.03")

    totals = Programme.objects.money_totals()
    (by_department,) = Programme.objects.department_totals()

    assert totals["whole_life_cost_total"] == Decimal("11999999999999.91")
    assert totals["whole_life_cost_reported"] == 13
    assert totals["benefits_total"] is None
    assert by_department["whole_life_cost_total"] == Decimal("11999999999999.91")
    assert by_department["programme_count"] == 13


def test_a_spend_to_date_past_a_trillion_is_kept_and_shown(auditor_client):
    """Spend to date adds up yearly actuals, each up to a money column's largest
    amount: the kept column, its page and the API hold their sum, on either
    database."""
    programme = ProgrammeFactory()
    _actual(programme, "999999999999.99", 2020)
    _actual(programme, "999999999999.99", 2021)

    (row,) = Programme.objects.with_money().values_list("spend_to_date_gbp")
    assert row == (Decimal("1999999999999.98"),)
    totals = Programme.objects.money_totals()
    assert totals["spend_to_date_total"] == Decimal("1999999999999.98")
    _assert_kept_is_computed()
    for url in ("/api/v1/programmes/", f"/api/v1/programmes/{programme.slug}/"):
        response = auditor_client.get(url)
        assert response.status_code == 200, url
        assert "1999999999999.98" in response.content.decode(), url
    page = auditor_client.get(f"/programmes/{programme.slug}/").content.decode()
    assert "£1,999,999,999,999.98" in page


def test_loaddata_of_old_summaries_keeps_what_the_ratings_say(tmp_path):
    """A dump's summary rows, loaded after a newer rating came in, are made again
    from the ratings the database holds, not kept as the dump had them."""
    from django.core.management import call_command

    programme = ProgrammeFactory()
    AssessmentFactory(programme=programme, data_date=OLD, rating="green")
    dump = tmp_path / "summaries.json"
    call_command(
        "dumpdata", "programmes.programmesummary", output=str(dump), verbosity=0
    )
    AssessmentFactory(programme=programme, data_date=NEW, rating="red")

    call_command("loaddata", str(dump), verbosity=0)

    assert _summary(programme).latest_rating == "red"
    _assert_kept_is_computed()


def test_a_value_no_trigger_can_hold_is_refused():
    for value in (object(), Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(TypeError, match="No SQL literal"):
            summaries._literal(connection, value)


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_programme_outside_the_app_both_count():
    """A figure and a rating of one programme written at once by two transactions
    outside the app (no data-version lock): the second waits for the first and
    makes the summary with both, instead of failing or losing the first's."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (CI)")
    programme = ProgrammeFactory()
    figure = _whole_life(programme, "10.00")
    rating = AssessmentFactory(programme=programme, rating="amber")

    errors = write_beside(
        lambda: FinancialFigure.objects.filter(pk=figure.pk).update(amount_gbp=11),
        lambda: DeliveryConfidenceAssessment.objects.filter(pk=rating.pk).update(
            rating="green"
        ),
    )

    assert errors == []
    summary = _summary(programme)
    assert (summary.whole_life_cost_gbp, summary.latest_rating) == (
        Decimal("11.00"),
        "green",
    )
    _assert_kept_is_computed()
