import django_filters
from django import forms

from .models import DeliveryConfidenceAssessment, Department, Programme


class ProgrammeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        widget=forms.TextInput(attrs={"class": "govuk-input", "spellcheck": "false"}),
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.with_programmes().order_by("name"),
        to_field_name="slug",
        empty_label="All departments",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    rating = django_filters.ChoiceFilter(
        label="Delivery confidence",
        choices=DeliveryConfidenceAssessment.Rating.choices,
        method="filter_rating",
        empty_label="Any rating",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    category = django_filters.ChoiceFilter(
        choices=[c for c in Programme.Category.choices if c[0]],
        empty_label="Any category",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    status = django_filters.ChoiceFilter(
        choices=Programme.Status.choices,
        empty_label="Any status",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    class Meta:
        model = Programme
        fields = ["q", "department", "rating", "category", "status"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_rating(self, queryset, name, value):
        return queryset.filter(latest_rating=value)
