"""The shared demo data fixture: present when asked for, absent otherwise, and a
test's writes never reach the next test. Runs after test_demo_data.py, whose
module loaded the data, so a leak between modules would show here."""

import pytest

from accounts.models import User
from programmes.models import FinancialFigure, Programme


@pytest.mark.django_db
def test_a_test_without_demo_data_sees_none():
    assert not Programme.objects.exists()
    assert not FinancialFigure.history.exists()


@pytest.mark.django_db
def test_demo_data_is_there_with_its_history_when_asked_for(demo_data):
    assert Programme.objects.filter(slug="hmcts-reform").exists()
    assert FinancialFigure.history.count() >= FinancialFigure.objects.count() > 0


@pytest.mark.django_db
def test_a_write_in_one_test_is_gone_in_the_next_part_one(demo_data):
    User.objects.create(username="left-behind")

    assert User.objects.filter(username="left-behind").exists()


@pytest.mark.django_db
def test_a_write_in_one_test_is_gone_in_the_next_part_two(demo_data):
    assert not User.objects.filter(username="left-behind").exists()
    assert Programme.objects.filter(slug="hmcts-reform").exists()
