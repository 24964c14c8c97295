from django import template

from .. import money
from ..charts import rating_tag_class

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
