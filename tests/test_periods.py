import datetime

import pytest

from programmes.periods import FinancialYear, financial_year_label


@pytest.mark.parametrize(
    "text", ["2019-20", "2019/20", "2019-2020", "FY2019-20", "2019"]
)
def test_parse_financial_year(text):
    assert FinancialYear.parse(text) == FinancialYear(2019)


@pytest.mark.parametrize("text", ["2019-21", "20-21", "year", "2019/2021", ""])
def test_parse_rejects_what_is_not_a_financial_year(text):
    with pytest.raises(ValueError, match="financial year"):
        FinancialYear.parse(text)


def test_display_and_bounds():
    year = FinancialYear(1999)

    assert str(year) == "1999-00"
    assert year.starts_on == datetime.date(1999, 4, 1)
    assert year.ends_on == datetime.date(2000, 3, 31)
    assert financial_year_label(None) == ""


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (datetime.date(2021, 3, 31), 2020),
        (datetime.date(2021, 4, 1), 2021),
        (datetime.date(2019, 9, 30), 2019),
    ],
)
def test_containing(day, start):
    assert FinancialYear.containing(day) == FinancialYear(start)


def test_out_of_range_year_is_refused():
    with pytest.raises(ValueError, match="between"):
        FinancialYear(1066)
