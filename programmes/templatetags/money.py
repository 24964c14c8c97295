from django import template

from .. import money, wording
from ..charts import rating_tag_class
from ..periods import financial_year_label

register = template.Library()


@register.filter
def gbp(amount):
    return money.format_gbp(amount)


@register.filter
def gbp_whole(amount):
    return money.format_gbp_whole(amount)


@register.filter
def gbp_short(amount):
    return money.format_gbp_short(amount)


@register.filter
def rating_class(rating):
    return rating_tag_class(rating)


@register.filter
def count(number, nouns):
    """{{ n|count:"programme" }} -> "1,234 programmes"; "person,people" for an
    irregular plural."""
    singular, _, plural = nouns.partition(",")
    return wording.count_text(number, singular, plural or None)


@register.filter
def financial_year(start_year):
    """{{ 2021|financial_year }} -> "2021-22"."""
    return financial_year_label(start_year)


@register.filter
def number(value):
    """A count with thousands separators: 5,000."""
    return "" if value is None else f"{value:,}"
