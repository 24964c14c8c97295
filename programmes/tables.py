import django_tables2 as tables
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.html import format_html

from .budget import BUDGET_COLUMNS
from .charts import NO_RATING, OFF_SCALE, ON_SCALE, rating_tag_class
from .history import in_words
from .models import DeliveryConfidenceAssessment, Programme
from .money import format_gbp_short, format_gbp_whole, format_pct

NUMERIC = {
    "th": {"class": "govuk-table__header--numeric"},
    "td": {"class": "govuk-table__cell--numeric app-numeric"},
}


class MoneyColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMERIC)
        kwargs.setdefault("default", "Not reported")
        super().__init__(*args, **kwargs)

    def render(self, value):
        # Readable in lists (£1.23bn); the exact figure is in the title and on the
        # programme's page.
        return format_html(
            '<span title="{}">{}</span>',
            format_gbp_whole(value),
            format_gbp_short(value),
        )


def rating_tag(rating, since=None):
    if not rating:
        return NO_RATING
    label = DeliveryConfidenceAssessment.Rating(rating).label
    tag = format_html(
        '<strong class="govuk-tag {}">{}</strong>', rating_tag_class(rating), label
    )
    if since:
        return format_html(
            '{} <span class="govuk-body-s app-nowrap">since {}</span>',
            tag,
            since.strftime("%b %Y"),
        )
    return tag


class ProgrammeTable(tables.Table):
    name = tables.Column(verbose_name="Programme")
    department = tables.Column(
        accessor="department__abbreviation",
        verbose_name="Department",
        order_by="department__name",
    )
    latest_rating = tables.Column(verbose_name="Delivery confidence", default=NO_RATING)
    whole_life_cost_gbp = MoneyColumn(verbose_name="Whole-life cost")
    benefits_gbp = MoneyColumn(verbose_name="Benefits baseline")
    latest_end_date = tables.DateColumn(
        verbose_name="Latest end date", format="j M Y", default="Not reported"
    )
    status = tables.Column()

    class Meta:
        model = Programme
        fields = [
            "name",
            "department",
            "status",
            "latest_rating",
            "whole_life_cost_gbp",
            "benefits_gbp",
            "latest_end_date",
        ]
        template_name = "django_tables2/govuk.html"
        per_page = 25
        empty_text = "No programmes match these filters."

    # Not reported sorts last whichever way, on PostgreSQL as on SQLite.
    def _nulls_last(self, queryset, is_descending, field):
        expression = (
            F(field).desc(nulls_last=True)
            if is_descending
            else F(field).asc(nulls_last=True)
        )
        return queryset.order_by(expression, "name"), True

    def order_whole_life_cost_gbp(self, queryset, is_descending):
        return self._nulls_last(queryset, is_descending, "whole_life_cost_gbp")

    def order_benefits_gbp(self, queryset, is_descending):
        return self._nulls_last(queryset, is_descending, "benefits_gbp")

    def order_latest_end_date(self, queryset, is_descending):
        return self._nulls_last(queryset, is_descending, "latest_end_date")

    def order_name(self, queryset, is_descending):
        name = Lower("name")
        return queryset.order_by(name.desc() if is_descending else name, "pk"), True

    def order_latest_rating(self, queryset, is_descending):
        # Most severe first (Red ... Green), or best first; either way Reset, Exempt,
        # Not set and never rated come after the scale, as no point on it.
        scale = list(reversed(ON_SCALE)) if is_descending else ON_SCALE
        ranks = [*scale, *OFF_SCALE[::-1]]
        severity = Case(
            *[When(latest_rating=r, then=Value(i)) for i, r in enumerate(ranks)],
            default=Value(len(ranks)),
            output_field=IntegerField(),
        )
        return queryset.order_by(severity, Lower("name")), True

    def render_name(self, value, record):
        url = reverse("programmes:programme-detail", args=[record.slug])
        link = format_html('<a class="govuk-link" href="{}">{}</a>', url, value)
        if record.is_synthetic:
            return format_html(
                '{} <strong class="govuk-tag govuk-tag--purple">Synthetic</strong>',
                link,
            )
        return link

    def render_latest_rating(self, value, record):
        return rating_tag(value, record.rating_since)

    def render_department(self, value, record):
        return format_html('<abbr title="{}">{}</abbr>', record.department.name, value)


class ExactMoneyColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMERIC)
        kwargs.setdefault("default", "")
        kwargs.setdefault("orderable", False)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_gbp_whole(value)


class AmountColumn(ExactMoneyColumn):
    """A budget line's figure: exact pounds, the publisher's words, or Not reported."""

    def render(self, value):
        if value.gbp is not None:
            return format_gbp_whole(value.gbp)
        return format_html('<span class="app-words">{}</span>', str(value))


def _budget_column(column):
    """The page's column for one of the budget columns (budget.BUDGET_COLUMNS)."""
    header = column.header.removesuffix(" (£)")
    if column.kind == "amount":
        return AmountColumn(verbose_name=header, default="Not reported")
    if column.kind in ("money", "variance"):
        default = "Not reported" if column.kind == "money" else ""
        return ExactMoneyColumn(verbose_name=header, default=default)
    if column.kind == "pct":
        return PercentColumn(verbose_name=header)
    if column.kind == "date":
        return tables.DateColumn(verbose_name=header, format="j F Y", orderable=False)
    if column.key == "programme":
        return ProgrammeLinkColumn(verbose_name=header)
    return tables.Column(verbose_name=header, orderable=False, default="")


class PercentColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, attrs=NUMERIC, orderable=False, default="", **kwargs)

    def render(self, value):
        return format_pct(value)


class ProgrammeLinkColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, orderable=False, **kwargs)

    def render(self, value, record):
        url = reverse("programmes:programme-detail", args=[record.slug])
        return format_html('<a class="govuk-link" href="{}">{}</a>', url, value)


class BudgetTableBase(tables.Table):
    class Meta:
        template_name = "django_tables2/govuk.html"
        empty_text = "No figures match these filters."


# Budget lines in the report's order, in the columns every writer uses; the page
# shows withheld words in the figures' own cells.
PAGE_OMITS = {"gmpp_id", "withheld", "withheld_words"}
BudgetTable = type(
    "BudgetTable",
    (BudgetTableBase,),
    {
        column.key: _budget_column(column)
        for column in BUDGET_COLUMNS
        if column.key not in PAGE_OMITS
    },
)


class ChangeLogTable(tables.Table):
    changed_at = tables.DateTimeColumn(
        verbose_name="When", format="j M Y H:i:s", orderable=False
    )
    username = tables.Column(verbose_name="Who", orderable=False, default="(system)")
    programme_name = tables.Column(
        verbose_name="Programme", orderable=False, default=""
    )
    object_repr = tables.Column(verbose_name="What", orderable=False)
    action = tables.Column(orderable=False)
    field = tables.Column(orderable=False, default="")
    old_value = tables.Column(verbose_name="Old value", orderable=False, default="")
    new_value = tables.Column(verbose_name="New value", orderable=False, default="")
    reason = tables.Column(orderable=False, default="")

    class Meta:
        template_name = "django_tables2/govuk.html"
        empty_text = "No changes match these filters."

    def _worded(self, record):
        # The page's lines in words, resolved together: one query per kind of
        # record they name, not one per cell.
        cache = getattr(self, "_in_words", None)
        if cache is None:
            page = getattr(self, "page", None)
            rows = [row.record for row in page.object_list] if page else [record]
            cache = self._in_words = {e.pk: e for e in in_words(rows)}
        return cache.get(record.pk) or in_words([record])[0]

    def render_object_repr(self, value, record):
        return f"{record.model_label}: {self._worded(record).object_repr}"

    def render_old_value(self, value, record):
        return self._worded(record).old_value

    def render_new_value(self, value, record):
        return self._worded(record).new_value

    def render_action(self, value, record):
        return record.get_action_display()


class ExportLogTable(tables.Table):
    created_at = tables.DateTimeColumn(
        verbose_name="When", format="j M Y H:i:s", orderable=False
    )
    username = tables.Column(verbose_name="Who", orderable=False)
    report = tables.Column(orderable=False)
    export_format = tables.Column(verbose_name="Format", orderable=False)
    filters = tables.Column(orderable=False)
    row_count = tables.Column(verbose_name="Rows", orderable=False, attrs=NUMERIC)

    class Meta:
        template_name = "django_tables2/govuk.html"
        empty_text = "Nothing has been exported yet."

    def render_filters(self, value):
        return "; ".join(f"{k}: {v}" for k, v in value.items()) or "none"
