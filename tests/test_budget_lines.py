"""The current figures' budget lines are kept as rows by database triggers
(programmes.budget_lines): after every kind of write, made any way, the kept lines
and their totals are exactly what grouping the figures again gives, on either
database; a write rolled back leaves them as they were."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction

from programmes import budget_lines, summaries
from programmes.budget import BudgetQuery
from programmes.models import BudgetLineSummary, FinancialFigure
from programmes.reports import budget_query, export_rows

from .factories import FigureFactory, ProgrammeFactory, SourceFactory, make_portfolio
from .writers import write_beside

pytestmark = pytest.mark.django_db


def _kept_and_grouped():
    """(kept, grouped): the same report read from the kept lines and by grouping
    the figures."""
    kept = budget_query()
    assert kept.kept is not None
    return kept, BudgetQuery(figures=kept.figures, selected=kept.selected)


def _assert_kept_lines_are_the_figures():
    kept, grouped = _kept_and_grouped()
    lines = list(kept.lines())
    assert lines == list(grouped.lines())
    assert kept.totals() == grouped.totals()
    assert list(export_rows(kept)) == list(export_rows(grouped))
    assert kept.count() == grouped.count() == len(lines)
    return lines


def _line(programme, year=2020):
    return BudgetLineSummary.objects.get(programme=programme, financial_year=year)


def _figure(programme, kind, year=2020, amount="100.00", **fields):
    return FigureFactory(
        programme=programme,
        kind=kind,
        financial_year=year,
        amount_gbp=None if amount is None else Decimal(amount),
        **fields,
    )


def test_the_triggers_are_in_place_after_migrating():
    assert budget_lines.trigger_names(connection) == (
        budget_lines.expected_trigger_names(connection)
    )


def test_every_kind_of_write_keeps_the_lines_exact():
    make_portfolio(6)
    a, b = ProgrammeFactory(), ProgrammeFactory()
    source = SourceFactory()
    baseline = _figure(a, "baseline", source=source)
    forecast = _figure(a, "forecast", amount="130.55", source=source)
    _figure(a, "actual", amount=None, withheld_text="Exempt", source=source)
    assert _line(a).forecast_gbp == Decimal("130.55")
    assert _line(a).withheld == 1
    _assert_kept_lines_are_the_figures()

    # A whole-life baseline of the same release reaches the line.
    whole_life = FigureFactory(
        programme=a,
        kind="baseline",
        period="whole_life",
        financial_year=None,
        amount_gbp=Decimal("9000.00"),
    )
    assert _line(a).whole_life_cost_gbp == Decimal("9000.00")
    _assert_kept_lines_are_the_figures()

    # Saved through the ORM, one row.
    forecast.amount_gbp = Decimal("140.00")
    forecast.save()
    assert _line(a).forecast_gbp == Decimal("140.00")

    # A queryset update over many programmes, and one that moves a figure to
    # another programme and year.
    FinancialFigure.objects.filter(kind="baseline", period="year").update(
        amount_gbp=Decimal("77.07")
    )
    FinancialFigure.objects.filter(pk=baseline.pk).update(
        programme=b, financial_year=2021
    )
    assert _line(b, 2021).baseline_gbp == Decimal("77.07")
    assert _line(a).baseline_gbp is None
    _assert_kept_lines_are_the_figures()

    # A newer release replaces a forecast: the old one stops being current.
    newer = datetime.date(2022, 3, 31)
    FinancialFigure.objects.filter(pk__in=[forecast.pk, whole_life.pk]).update(
        is_current=False
    )
    _figure(a, "forecast", amount="150.00", data_date=newer)
    FigureFactory(
        programme=a,
        kind="baseline",
        period="whole_life",
        financial_year=None,
        data_date=newer,
        amount_gbp=Decimal("9500.00"),
    )
    assert _line(a).data_date == newer
    assert _line(a).whole_life_cost_gbp == Decimal("9500.00")
    _assert_kept_lines_are_the_figures()

    # Bulk-created, then deleted one by one and as a queryset.
    FinancialFigure.objects.bulk_create(
        [
            FinancialFigure(
                programme=b,
                kind=kind,
                period="year",
                financial_year=year,
                data_date=newer,
                amount_gbp=Decimal("1.01") * year,
                source=source,
            )
            for kind in ("baseline", "forecast")
            for year in (2023, 2024)
        ]
    )
    assert _line(b, 2024).forecast_gbp == Decimal("2044.24")
    _assert_kept_lines_are_the_figures()
    whole_life.delete()
    FinancialFigure.objects.filter(programme=b, financial_year=2023).delete()
    assert not BudgetLineSummary.objects.filter(
        programme=b, financial_year=2023
    ).exists()
    _assert_kept_lines_are_the_figures()
    FinancialFigure.objects.filter(programme=a).delete()
    assert not BudgetLineSummary.objects.filter(programme=a).exists()
    _assert_kept_lines_are_the_figures()


def test_a_write_rolled_back_leaves_the_lines_as_they_were():
    programme = ProgrammeFactory()
    figure = _figure(programme, "baseline", amount="10.00")
    seen = []

    def fail_part_way():
        with transaction.atomic():
            FinancialFigure.objects.filter(pk=figure.pk).update(amount_gbp=99)
            seen.append(_line(programme).baseline_gbp)
            raise RuntimeError("the import failed part way")

    with pytest.raises(RuntimeError):
        fail_part_way()
    assert seen == [Decimal("99.00")]  # the same transaction saw the new line
    assert _line(programme).baseline_gbp == Decimal("10.00")
    _assert_kept_lines_are_the_figures()


def test_install_puts_back_lost_triggers_and_rebuilds_every_line():
    """What a migration that remakes the figures table does on SQLite (its schema
    editor copies the table and drops its triggers), post_migrate undoes."""
    make_portfolio(4)
    names = budget_lines.expected_trigger_names(connection)
    with connection.cursor() as cursor:
        for name in names:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER {name} ON {budget_lines.FIGURES}")
            else:
                cursor.execute(f"DROP TRIGGER {name}")
    FinancialFigure.objects.filter(kind="forecast").update(amount_gbp=Decimal("5"))
    kept, grouped = _kept_and_grouped()
    assert list(kept.lines()) != list(grouped.lines())  # stale without triggers

    budget_lines.install(connection)

    assert budget_lines.trigger_names(connection) == names
    _assert_kept_lines_are_the_figures()


def test_totals_are_exact_to_the_penny_however_large():
    """SQLite holds money as floating point: a sum read back to 15 significant
    digits loses the pennies of a total over £10 trillion. The kept totals are
    summed in whole pennies."""
    source = SourceFactory()
    for _ in range(12):
        _figure(ProgrammeFactory(), "baseline", amount="999999999999.99", source=source)
    _figure(ProgrammeFactory(), "baseline", amount="0.03", source=source)

    (totals,) = budget_query().totals()

    assert totals.baseline_gbp == Decimal("11999999999999.91")
    assert totals.rows == 13


def test_a_line_with_figures_of_two_price_bases_counts_under_each():
    programme = ProgrammeFactory()
    _figure(programme, "baseline", amount="100.00")
    _figure(
        programme, "forecast", amount="120.00", price_basis="real", price_base_year=2024
    )
    _figure(programme, "actual", amount="90.00")

    nominal, real = budget_query().totals()

    assert (nominal.price_basis, real.price_basis) == ("nominal", "real")
    assert (nominal.rows, real.rows) == (1, 1)
    assert nominal.baseline_gbp == Decimal("100.00")
    assert nominal.actual_gbp == Decimal("90.00")
    assert real.forecast_gbp == Decimal("120.00")
    # A real forecast less a nominal baseline is no variance to add up.
    assert nominal.variance_rows == real.variance_rows == 0
    assert nominal.variance_gbp is real.variance_gbp is None
    _assert_kept_lines_are_the_figures()


@pytest.mark.django_db(transaction=True)
def test_migrating_back_before_the_kept_lines_and_forward_again():
    """Back before the kept lines' migration, no trigger is left naming their
    table or the programme summaries' (a figure can still be written); forward
    again, the triggers are back and every line is made from the figures."""
    from django.core.management import call_command

    programme = ProgrammeFactory()
    figure = _figure(programme, "baseline", amount="10.00")

    call_command("migrate", "programmes", "0016", verbosity=0)
    try:
        assert not budget_lines.has_table(connection)
        assert not summaries.has_table(connection)
        assert budget_lines.trigger_names(connection) == set()
        assert summaries.trigger_names(connection) == set()
        FinancialFigure.objects.filter(pk=figure.pk).update(amount_gbp=Decimal("12"))
    finally:
        call_command("migrate", verbosity=0)

    assert budget_lines.trigger_names(connection) == (
        budget_lines.expected_trigger_names(connection)
    )
    assert summaries.trigger_names(connection) == (
        summaries.expected_trigger_names(connection)
    )
    assert _line(programme).baseline_gbp == Decimal("12.00")
    _assert_kept_lines_are_the_figures()


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_programme_outside_the_app_both_count():
    """Two transactions writing different figures of one programme at once by
    queryset update (no data-version lock): the second waits for the first's
    lines and makes them again with both figures, instead of failing."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (CI)")
    programme = ProgrammeFactory()
    baseline = _figure(programme, "baseline", amount="10.00")
    forecast = _figure(programme, "forecast", amount="20.00")

    errors = write_beside(
        lambda: FinancialFigure.objects.filter(pk=baseline.pk).update(amount_gbp=11),
        lambda: FinancialFigure.objects.filter(pk=forecast.pk).update(amount_gbp=22),
    )

    assert errors == []
    line = _line(programme)
    assert (line.baseline_gbp, line.forecast_gbp) == (
        Decimal("11.00"),
        Decimal("22.00"),
    )
    _assert_kept_lines_are_the_figures()
