"""Two programme admins save the same figure at once: the second is refused, not
silently overwritten. Proven on PostgreSQL with two real connections (threads each
get their own), one holding the row lock while the other tries."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from programmes.models import FinancialFigure, StaleEdit

from .factories import FigureFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def figure():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI)")
    return FigureFactory(amount_gbp=Decimal("100.00"))


def _race(figure_pk, save):
    """Admins A and B both open version 1. A saves, holding its transaction open a
    moment; B saves meanwhile from its own connection. Returns what B met."""
    opened_a = FinancialFigure.objects.get(pk=figure_pk)
    opened_b = FinancialFigure.objects.get(pk=figure_pk)
    a_has_lock = threading.Event()
    outcome = {}

    def admin_b():
        a_has_lock.wait()
        opened_b.amount_gbp = Decimal("300.00")
        try:
            save(opened_b, 1)
            outcome["b"] = "saved"
        except StaleEdit as error:
            outcome["b"] = error
        finally:
            connections.close_all()

    other = threading.Thread(target=admin_b)
    other.start()
    with transaction.atomic():
        opened_a.amount_gbp = Decimal("200.00")
        save(opened_a, 1)
        a_has_lock.set()
        time.sleep(0.5)  # B is now waiting on A's row lock (or, without it, writing)
    other.join(timeout=10)
    return outcome["b"]


def test_second_concurrent_save_is_refused_with_a_clear_message(figure):
    outcome = _race(figure.pk, lambda obj, version: obj.save_checked(version))

    assert isinstance(outcome, StaleEdit)
    assert "changed by someone else after you opened it" in str(outcome)
    figure.refresh_from_db()
    assert figure.amount_gbp == Decimal("200.00")
    assert figure.version == 2


def test_without_the_locking_the_second_save_silently_wins(figure):
    """What the locking prevents: plain saves lose A's edit without a word."""
    outcome = _race(figure.pk, lambda obj, version: obj.save())

    assert outcome == "saved"
    figure.refresh_from_db()
    assert figure.amount_gbp == Decimal("300.00")  # A's 200.00 is lost


def test_the_admin_refuses_a_stale_form(admin_client, figure):
    from .test_admin import _figure_change_post

    url = f"/admin/programmes/financialfigure/{figure.pk}/change/"
    stale = _figure_change_post(
        figure, amount_gbp="150.00", change_reason="first", expected_version="1"
    )
    figure.amount_gbp = Decimal("120.00")
    figure.save()  # someone else's edit lands first

    response = admin_client.post(url, stale)

    assert response.status_code == 200
    assert (
        "Someone else changed this record after you opened it"
        in response.content.decode()
    )
    figure.refresh_from_db()
    assert figure.amount_gbp == Decimal("120.00")


def test_two_writers_crossing_rows_take_turns_instead_of_deadlocking(figure):
    """B writes figure Y, then X; A writes X meanwhile. Every write also moves the
    data version (one row): had A locked X before the version row, A would wait for
    B's version lock while B waited for X, and PostgreSQL would abort one of them.
    Writers lock the version row first, so A waits its turn and both commit."""
    other = FigureFactory(programme=figure.programme, financial_year=2021)
    b_holds_y = threading.Event()
    errors = []

    def writer_b():
        try:
            with transaction.atomic():
                y = FinancialFigure.objects.get(pk=other.pk)
                y.amount_gbp = Decimal("2.00")
                y.save()
                b_holds_y.set()
                time.sleep(0.5)  # A has begun its write of X by now
                x = FinancialFigure.objects.get(pk=figure.pk)
                x.amount_gbp = Decimal("3.00")
                x.save()
        except Exception as error:  # noqa: BLE001 - the test reports what it met
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer_b)
    thread.start()
    b_holds_y.wait(timeout=10)
    try:
        with transaction.atomic():
            x = FinancialFigure.objects.get(pk=figure.pk)
            x.amount_gbp = Decimal("4.00")
            x.save()
    except Exception as error:  # noqa: BLE001
        errors.append(error)
    thread.join(timeout=20)

    assert errors == []
    figure.refresh_from_db()
    assert figure.amount_gbp == Decimal("4.00")  # A waited for B, then wrote last
