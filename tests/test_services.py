import datetime
from decimal import Decimal

import pytest

from programmes import services
from programmes.models import FinancialFigure
from programmes.money import PublishedAmount

from .factories import FigureFactory, ProgrammeFactory, SourceFactory, UserFactory

D = datetime.date


def _record(programme, source, data_date, amount, counter):
    return services.record_figure(
        programme=programme,
        measure="cost",
        kind="baseline",
        period="whole_life",
        data_date=data_date,
        amount=PublishedAmount(Decimal(amount)),
        source=source,
        counter=counter,
        reason="test",
    )


@pytest.mark.django_db
def test_older_release_after_newer_never_becomes_current():
    programme, source = ProgrammeFactory(), SourceFactory()
    counter = services.ChangeCount()

    newer = _record(programme, source, D(2022, 3, 31), "200.00", counter)
    older = _record(programme, source, D(2021, 3, 31), "100.00", counter)

    newer.refresh_from_db()
    assert newer.is_current
    assert not older.is_current


@pytest.mark.django_db
def test_newer_release_replaces_current_and_keeps_the_old():
    programme, source = ProgrammeFactory(), SourceFactory()
    counter = services.ChangeCount()

    older = _record(programme, source, D(2021, 3, 31), "100.00", counter)
    newer = _record(programme, source, D(2022, 3, 31), "200.00", counter)

    older.refresh_from_db()
    assert newer.is_current
    assert not older.is_current
    assert programme.figures.count() == 2


@pytest.mark.django_db
def test_recording_the_same_figure_again_changes_nothing():
    programme, source = ProgrammeFactory(), SourceFactory()
    _record(programme, source, D(2021, 3, 31), "100.00", services.ChangeCount())
    counter = services.ChangeCount()

    _record(programme, source, D(2021, 3, 31), "100.00", counter)

    assert counter.changes == 0
    assert FinancialFigure.history.count() == 1


@pytest.mark.django_db
def test_correction_keeps_old_value_user_and_reason():
    figure = FigureFactory(amount_gbp=Decimal("41400.00"))
    user = UserFactory(username="corrector")

    services.correct_figure(
        figure=figure, amount_gbp=Decimal("41500.00"), reason="typo", user=user
    )

    latest, previous = figure.history.all()[:2]
    assert latest.amount_gbp == Decimal("41500.00")
    assert previous.amount_gbp == Decimal("41400.00")
    assert latest.history_user == user
    assert latest.history_change_reason == "Correction: typo"


@pytest.mark.django_db
def test_correction_needs_a_reason():
    figure = FigureFactory()

    with pytest.raises(ValueError, match="reason"):
        services.correct_figure(figure=figure, amount_gbp=Decimal("1"), reason=" ")


@pytest.mark.django_db
def test_rebaseline_keeps_the_earlier_baseline_dated():
    figure = FigureFactory(amount_gbp=Decimal("100.00"))

    new = services.rebaseline_figure(
        figure=figure,
        amount_gbp=Decimal("150.00"),
        data_date=D(2022, 3, 31),
        source=figure.source,
        reason="approved business case",
    )

    figure.refresh_from_db()
    assert new.is_current
    assert new.amount_gbp == Decimal("150.00")
    assert not figure.is_current
    assert figure.amount_gbp == Decimal("100.00")
    assert figure.data_date == D(2021, 3, 31)


@pytest.mark.django_db
def test_rebaseline_must_be_later_and_of_a_baseline():
    figure = FigureFactory()
    forecast = FigureFactory(kind="forecast", programme=figure.programme)

    with pytest.raises(ValueError, match="after"):
        services.rebaseline_figure(
            figure=figure,
            amount_gbp=Decimal("1"),
            data_date=figure.data_date,
            source=figure.source,
            reason="x",
        )
    with pytest.raises(ValueError, match="Only a baseline"):
        services.rebaseline_figure(
            figure=forecast,
            amount_gbp=Decimal("1"),
            data_date=D(2030, 1, 1),
            source=figure.source,
            reason="x",
        )
    assert FinancialFigure.objects.count() == 2


@pytest.mark.django_db
def test_a_figure_is_recorded_on_one_read_of_its_sort_and_its_constraints_still_hold():
    from django.db import IntegrityError, connection, transaction
    from django.test.utils import CaptureQueriesContext

    programme, source = ProgrammeFactory(), SourceFactory()
    _record(programme, source, D(2021, 3, 31), "100.00", services.ChangeCount())

    with CaptureQueriesContext(connection) as queries:
        newer = _record(
            programme, source, D(2022, 3, 31), "200.00", services.ChangeCount()
        )

    reads = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and "programmes_financialfigure" in q["sql"]
    ]
    assert len(reads) == 1, reads  # the sort; no uniqueness asked again
    assert not hasattr(newer, "_constraints_met")  # only for that one check
    # What the read stood in for is still the database's rule.
    twin = FinancialFigure(
        **{
            f.attname: getattr(newer, f.attname)
            for f in FinancialFigure._meta.concrete_fields
            if not f.primary_key
        }
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.mark.django_db
def test_record_figure_reads_a_date_given_as_text_and_refuses_to_be_told_what_it_decides():
    programme, source = ProgrammeFactory(), SourceFactory()
    _record(programme, source, D(2021, 3, 31), "100.00", services.ChangeCount())

    newer = _record(programme, source, "2022-03-31", "200.00", services.ChangeCount())

    assert newer.data_date == D(2022, 3, 31)
    assert newer.is_current
    with pytest.raises(TypeError, match="is_current"):
        services.record_figure(
            programme=programme,
            measure="cost",
            kind="baseline",
            period="whole_life",
            data_date=D(2023, 3, 31),
            amount=PublishedAmount(Decimal("1.00")),
            source=source,
            counter=services.ChangeCount(),
            reason="test",
            is_current=False,
        )
