"""Admin form fields and forms that fit the domain: money typed as published
(£1,234.5m), financial years chosen as 2020-21, and the forms of the figure
actions (record a newer figure, re-baseline)."""

from django import forms
from django.utils import timezone

from .admin_base import REASON_HELP, ReasonForm, VersionForm
from .models import DisruptionImpact, FinancialFigure, Source
from .money import format_gbp, parse_money
from .periods import FinancialYear

MONEY_HELP = "Type it as published: £1,234.5m, £1.2bn or 1234500000 (pounds)."


class MoneyInput(forms.TextInput):
    """Shows an amount back as the exact pounds it was understood as."""

    def format_value(self, value):
        if value in (None, ""):
            return ""
        try:
            return format_gbp(parse_money(value))
        except ValueError:
            return value  # what was typed, shown back beside its error


class MoneyField(forms.CharField):
    """Pounds from "£1,234.5m", "£1.2bn", "41,400" or "1234500000": a Decimal."""

    widget = MoneyInput

    def __init__(self, *, allow_negative=False, **kwargs):
        kwargs.setdefault("help_text", MONEY_HELP)
        super().__init__(**kwargs)
        self.allow_negative = allow_negative
        self.widget.attrs.setdefault("size", 18)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            amount = parse_money(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        if amount < 0 and not self.allow_negative:
            raise forms.ValidationError(
                f"Budgets, spend, costs and benefits cannot be negative; “{value}” is."
            )
        return amount


def year_choices():
    # From the earliest GMPP year to a decade ahead: a short list an admin can scan.
    today = FinancialYear.containing(timezone.localdate()).start_year
    return [("", "---------")] + [
        (year, str(FinancialYear(year))) for year in range(today + 10, 1999, -1)
    ]


class FinancialYearField(forms.TypedChoiceField):
    """A financial year chosen as "2020-21" and stored as its start year (2020)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", year_choices)
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(**kwargs)


class FigureForm(ReasonForm):
    """Adding a figure (any data date: the service decides which is current) or
    correcting one (the admin makes its identity read-only)."""

    amount_gbp = MoneyField(label="Amount", required=False)
    financial_year = FinancialYearField(
        required=False, help_text="Only for a figure of one financial year."
    )
    price_base_year = FinancialYearField(
        required=False, help_text="For real prices: the base financial year."
    )

    class Meta:
        model = FinancialFigure
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # Which figure is current is the service's decision (add_figure), so a
            # newer figure of a year that has one is not refused as a second current.
            self.instance.is_current = False


class SuccessorForm(forms.Form):
    """A newer figure of the same sort, or a new baseline: the earlier one stays."""

    amount_gbp = MoneyField(label="New amount")
    data_date = forms.DateField(
        label="Data date (as at)",
        help_text="YYYY-MM-DD. Must be after the current figure's date.",
    )
    source = forms.ModelChoiceField(
        queryset=Source.objects.order_by("-published_year", "title"),
        help_text="Defaults to the programme's latest source.",
    )
    reason = forms.CharField(
        max_length=500, help_text=REASON_HELP, widget=forms.TextInput({"size": 60})
    )

    def __init__(self, *args, figure, **kwargs):
        super().__init__(*args, **kwargs)
        self.figure = figure

    def clean_data_date(self):
        data_date = self.cleaned_data["data_date"]
        if data_date <= self.figure.data_date:
            raise forms.ValidationError(
                f"The new figure must be dated after the current one "
                f"({self.figure.data_date:%d %B %Y})."
            )
        return data_date

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason; the history keeps it.")
        return reason


class ImpactForm(VersionForm):
    """One programme's row of a disruption: narrow enough for 1280 pixels, money as
    published (an impact may be negative), the source the disruption's by default."""

    cost_impact_gbp = MoneyField(
        label="Cost impact",
        required=False,
        allow_negative=True,
        help_text="£m, £bn or pounds; negative for an underspend.",
    )

    class Meta:
        model = DisruptionImpact
        fields = "__all__"
        widgets = {
            "note": forms.Textarea({"rows": 2, "cols": 20}),
            "schedule_impact_days": forms.NumberInput({"class": "entry-days"}),
        }
        labels = {"schedule_impact_days": "Schedule (days)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cost_impact_gbp"].widget.attrs["size"] = 12
        for name in ("programme", "source"):
            # No add/change/view buttons beside each row's pickers: they double the
            # row's width, and the records are a link away.
            widget = self.fields[name].widget if name in self.fields else None
            if hasattr(widget, "can_add_related"):
                widget.can_add_related = widget.can_change_related = False
                widget.can_view_related = widget.can_delete_related = False
        if "source" in self.fields:
            self.fields["source"].required = False
            self.fields["source"].help_text = "Blank: the disruption's source."
