import re
from decimal import Decimal

import pytest

from programmes import money


def test_millions_convert_to_exact_pounds():
    assert money.millions_to_pounds("128.15") == Decimal("128150000.00")
    assert money.millions_to_pounds("2153.17") == Decimal("2153170000.00")
    assert money.millions_to_pounds("201.403") == Decimal("201403000.00")
    assert money.millions_to_pounds("0.0000005") == Decimal("0.50")


def test_millions_refuse_floats_and_nonsense():
    with pytest.raises(TypeError):
        money.millions_to_pounds(128.15)
    with pytest.raises(ValueError, match="not an amount"):
        money.millions_to_pounds("lots")
    with pytest.raises(ValueError, match="not an amount"):
        money.millions_to_pounds("NaN")


def test_round_money_is_half_up():
    assert money.round_money(Decimal("0.005")) == Decimal("0.01")
    assert money.round_money(Decimal("2.675")) == Decimal("2.68")
    assert money.round_money(Decimal("-2.675")) == Decimal("-2.68")


def test_smarter_working_variance_from_figures_is_minus_8_21_percent():
    baseline = money.millions_to_pounds("41.40")
    forecast = money.millions_to_pounds("38.00")

    pct = money.variance_pct(baseline, forecast)

    assert money.variance(baseline, forecast) == Decimal("-3400000.00")
    assert pct == Decimal("-8.21")


def test_published_rounded_variance_is_not_a_disagreement():
    assert not money.differs_beyond_rounding(Decimal("-8.00"), Decimal("-8.21"))
    assert money.differs_beyond_rounding(Decimal("-17.00"), Decimal("-8.21"))
    assert money.differs_beyond_rounding(Decimal("2.83"), Decimal("-2.83"))


def test_variance_pct_of_zero_or_unknown_baseline_is_none():
    assert money.variance_pct(Decimal("0"), Decimal("5")) is None
    assert money.variance_pct(None, Decimal("5")) is None


@pytest.mark.parametrize(
    ("amount", "short", "exact"),
    [
        (Decimal("1546830000"), "£1.55bn", "£1,546,830,000.00"),
        (Decimal("128150000"), "£128.2m", "£128,150,000.00"),
        (Decimal("41400"), "£41,400", "£41,400.00"),
        (Decimal("-3400000"), "\u2212£3.4m", "\u2212£3,400,000.00"),
        (Decimal("2000000000"), "£2bn", "£2,000,000,000.00"),
    ],
)
def test_formatting(amount, short, exact):
    assert money.format_gbp_short(amount) == short
    assert money.format_gbp(amount) == exact


def test_not_reported_formats_as_empty():
    assert money.format_gbp(None) == ""
    assert money.format_gbp_short(None) == ""


def test_published_amount_is_a_figure_or_withheld():
    assert money.PublishedAmount(Decimal("1")).gbp == Decimal("1")
    assert money.PublishedAmount(withheld_text="Exempt").withheld_text == "Exempt"
    with pytest.raises(ValueError, match="either"):
        money.PublishedAmount()
    with pytest.raises(ValueError, match="either"):
        money.PublishedAmount(Decimal("1"), "Exempt")


def test_rounded_inputs_are_not_a_disagreement_but_a_real_gap_is():
    # CDS 2015-16: 21.94 and 18.98 (£m) give -13.49%; published -13.51%.
    assert not money.differs_beyond_rounding(Decimal("-13.51"), Decimal("-13.49"))
    assert money.differs_beyond_rounding(Decimal("-13.80"), Decimal("-13.49"))


@pytest.mark.parametrize(
    ("typed", "pounds"),
    [
        ("£1,234.5m", "1234500000.00"),
        ("1234500000", "1234500000.00"),
        ("£1.2bn", "1200000000.00"),
        ("41,400", "41400.00"),
        ("£ 12.5 million", "12500000.00"),
        ("-£5m", "-5000000.00"),
        ("0.004", "0.00"),
    ],
)
def test_parse_money_reads_amounts_as_admins_type_them(typed, pounds):
    assert money.parse_money(typed) == Decimal(pounds)


@pytest.mark.parametrize("typed", ["twelve", "£", "1,2345", "£5m£", "--5", "1e6"])
def test_parse_money_refuses_what_is_not_money_saying_so(typed):
    with pytest.raises(ValueError, match=re.escape(typed)):
        money.parse_money(typed)


def _long_way(value):
    return None if value is None else money.round_money(money.from_database(value))


def test_money_from_database_takes_a_short_cut_to_the_same_pennies():
    """What SQLite hands back (floats, ints) and PostgreSQL (Decimal): the same as
    reading to 15 digits and rounding half up, including floats that are not an
    exact two-place amount (half pennies round up, not to even)."""
    import random

    from hypothesis import given
    from hypothesis import strategies as st

    pennies = st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1)

    @given(pennies)
    def same(p):
        for value in (float(Decimal(p) / 100), Decimal(p) / 100, p):
            assert money.money_from_database(value) == _long_way(value), value

    same()
    odd = [0.125, 2.675, 1.005, 0.005, -0.125, 1e-7, 123456.785, None, 0, 7]
    rng = random.Random(1)
    odd += [rng.uniform(-1e9, 1e9) for _ in range(1000)]
    for value in odd:
        assert money.money_from_database(value) == _long_way(value), value
    assert money.money_from_database(0.125) == Decimal("0.13")


@pytest.mark.parametrize(
    "typed", ["9" * 40, "9" * 29 + "bn", "£1,000,000,000,000", "1000bn"]
)
def test_an_amount_beyond_what_the_register_holds_is_refused_in_words(typed):
    from programmes.money import parse_money

    with pytest.raises(ValueError, match="more than the register holds"):
        parse_money(typed)
    assert parse_money("£999,999,999,999.99") == Decimal("999999999999.99")
