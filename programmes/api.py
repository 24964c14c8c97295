"""The read-only open data API (Django REST framework, OpenAPI by drf-spectacular)."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from .budget import BUDGET_COLUMNS, BudgetRows, api_line, lines_for_programme
from .filters import ProgrammeFilter
from .models import (
    Benefit,
    DeliveryConfidenceAssessment,
    Department,
    DisruptionImpact,
    FinancialFigure,
    Milestone,
    MilestoneStatement,
    Programme,
    ProgrammeName,
    Source,
    assessor_name,
)
from .periods import financial_year_label
from .querysets import SUM_FIELD
from .reports import BudgetReportForm, budget_query
from .views.common import programme_rows

# Slugs and ids are ASCII letters, digits, hyphens and underscores: anything else in
# an API URL is a 404 before it reaches a query (a NUL byte, for one, is an error in
# PostgreSQL text, and a number past 64 bits overflows the integer column).
LOOKUP = "[-a-zA-Z0-9_]+"
MAX_ID_DIGITS = 18

MONEY = {"max_digits": 14, "decimal_places": 2, "allow_null": True, "read_only": True}


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = [
            "key",
            "kind",
            "title",
            "publisher",
            "published_year",
            "url",
            "file_name",
            "licence",
            "is_synthetic",
        ]


class DepartmentSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="alias"
    )
    predecessors = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug"
    )
    successors = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug"
    )
    programme_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Department
        fields = [
            "slug",
            "name",
            "abbreviation",
            "aliases",
            "predecessors",
            "successors",
            "programme_count",
            "is_synthetic",
        ]


class ProgrammeSerializer(serializers.ModelSerializer):
    id = serializers.SlugField(
        source="slug", read_only=True, help_text="The programme's stable identifier."
    )
    department = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    department_name = serializers.CharField(source="department.name", read_only=True)
    latest_rating = serializers.CharField(read_only=True, allow_null=True)
    latest_rating_date = serializers.DateField(read_only=True, allow_null=True)
    latest_rating_assessor = serializers.SerializerMethodField()
    rating_since = serializers.DateField(read_only=True, allow_null=True)
    whole_life_cost_gbp = serializers.DecimalField(
        **MONEY, help_text="The newest nominal whole-life cost baseline."
    )
    whole_life_cost_date = serializers.DateField(read_only=True, allow_null=True)
    benefits_gbp = serializers.DecimalField(
        **MONEY, help_text="The newest nominal whole-life benefits baseline."
    )
    benefits_date = serializers.DateField(read_only=True, allow_null=True)
    # A sum of yearly actuals: as wide as the kept sum (ProgrammeSummary).
    spend_to_date_gbp = serializers.DecimalField(
        **{**MONEY, "max_digits": SUM_FIELD.max_digits}
    )
    spend_to_date_date = serializers.DateField(read_only=True, allow_null=True)
    status_text = serializers.CharField(read_only=True)
    status_source = serializers.SlugRelatedField(read_only=True, slug_field="key")
    url = serializers.HyperlinkedIdentityField(
        view_name="api:programme-detail", lookup_field="slug"
    )

    class Meta:
        model = Programme
        fields = [
            "id",
            "url",
            "gmpp_id",
            "name",
            "department",
            "department_name",
            "category",
            "status",
            "status_text",
            "status_date",
            "status_source",
            "latest_rating",
            "latest_rating_date",
            "latest_rating_assessor",
            "rating_since",
            "whole_life_cost_gbp",
            "whole_life_cost_date",
            "benefits_gbp",
            "benefits_date",
            "spend_to_date_gbp",
            "spend_to_date_date",
            "baseline_start_date",
            "baseline_end_date",
            "latest_start_date",
            "latest_end_date",
            "is_synthetic",
        ]

    def get_latest_rating_assessor(self, programme) -> str | None:
        if not programme.latest_rating_assessor:
            return None
        return assessor_name(
            programme.latest_rating_assessor, programme.latest_rating_date
        )


class FigureSerializer(serializers.ModelSerializer):
    financial_year = serializers.SerializerMethodField()
    source = serializers.SlugRelatedField(read_only=True, slug_field="key")
    benefit = serializers.SlugRelatedField(read_only=True, slug_field="title")

    class Meta:
        model = FinancialFigure
        fields = [
            "measure",
            "kind",
            "period",
            "financial_year",
            "data_date",
            "amount_gbp",
            "withheld_text",
            "benefit",
            "price_basis",
            "price_base_year",
            "published_variance_pct",
            "is_current",
            "source",
            "is_synthetic",
        ]

    def get_financial_year(self, figure) -> str | None:
        return financial_year_label(figure.financial_year) or None


class BenefitSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(read_only=True, slug_field="key")

    class Meta:
        model = Benefit
        fields = [
            "title",
            "category",
            "is_disbenefit",
            "description",
            "source",
            "is_synthetic",
        ]


def _precision():
    # Plain text, not an enum: five fields share one choice set, and naming it
    # for the schema would need a settings entry (ENUM_NAME_OVERRIDES).
    return serializers.CharField(
        read_only=True,
        help_text="day, month, quarter, season, year or financial-year; the date "
        "is the last day of that period",
    )


class MilestoneStatementSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(read_only=True, slug_field="key")
    precision = _precision()
    stated_on_precision = _precision()

    class Meta:
        model = MilestoneStatement
        fields = [
            "kind",
            "date",
            "precision",
            "stated_on",
            "stated_on_precision",
            "source",
            "is_synthetic",
        ]


class MilestoneSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(read_only=True, slug_field="key")
    slip_days = serializers.IntegerField(read_only=True, allow_null=True)
    statements = MilestoneStatementSerializer(many=True, read_only=True)
    baseline_precision = _precision()
    forecast_precision = _precision()
    actual_precision = _precision()

    class Meta:
        model = Milestone
        fields = [
            "title",
            "baseline_date",
            "baseline_precision",
            "forecast_date",
            "forecast_precision",
            "actual_date",
            "actual_precision",
            "status",
            "slip_days",
            "statements",
            "note",
            "source",
            "is_synthetic",
        ]


class AssessmentSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(read_only=True, slug_field="key")
    assessor_name = serializers.CharField(read_only=True)

    class Meta:
        model = DeliveryConfidenceAssessment
        fields = [
            "data_date",
            "assessor",
            "assessor_name",
            "rating",
            "scale",
            "raw_text",
            "source",
            "is_synthetic",
        ]


class ImpactSerializer(serializers.ModelSerializer):
    disruption = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    disruption_name = serializers.CharField(source="disruption.name", read_only=True)
    source = serializers.SlugRelatedField(read_only=True, slug_field="key")

    class Meta:
        model = DisruptionImpact
        fields = [
            "disruption",
            "disruption_name",
            "cost_impact_gbp",
            "schedule_impact_days",
            "note",
            "source",
            "is_synthetic",
        ]


class NameSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        read_only=True, help_text="published, alias or abbreviation"
    )

    class Meta:
        model = ProgrammeName
        fields = ["name", "kind", "first_data_date", "last_data_date"]


class ProgrammeDetailSerializer(ProgrammeSerializer):
    names = NameSerializer(many=True, read_only=True)
    budget_lines = serializers.SerializerMethodField(
        help_text="The current baseline, forecast and actual of each financial year, "
        "as the budget report has them."
    )
    figures = FigureSerializer(many=True, read_only=True)
    benefits = BenefitSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    assessments = AssessmentSerializer(many=True, read_only=True)
    disruption_impacts = ImpactSerializer(many=True, read_only=True)

    class Meta(ProgrammeSerializer.Meta):
        fields = [
            *ProgrammeSerializer.Meta.fields,
            "description",
            "senior_responsible_owner",
            "names",
            "budget_lines",
            "figures",
            "benefits",
            "milestones",
            "assessments",
            "disruption_impacts",
        ]

    def get_budget_lines(self, programme) -> list[dict]:
        return [
            api_line(line, BUDGET_COLUMNS) for line in lines_for_programme(programme)
        ]


class BudgetLineList(APIView):
    """Budget lines, one per programme and financial year, with the budget report's
    filters (department slug, financial_year such as 2020-21, rating, category,
    as_at, release) and its totals by price basis: the same rows and exact decimal
    strings as its CSV. Paged with `page` (50 a page)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, description=text)
            for name, text in (
                ("department", "Department slug"),
                ("financial_year", "Such as 2020-21"),
                ("rating", "Latest delivery confidence, such as amber"),
                ("category", "Annual report category"),
                ("as_at", "Figures, names and ratings as stored then (ISO date)"),
                ("release", "Figures as published in the release of this data date"),
                ("page", "Page number (50 lines a page)"),
            )
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        form = BudgetReportForm(request.query_params)
        if not form.is_valid():
            return Response({"errors": form.errors.get_json_data()}, status=400)
        query = budget_query(**form.cleaned_data)
        paginator = PageNumberPagination()
        lines = BudgetRows(query, query.count())
        page = paginator.paginate_queryset(lines, request, view=self)
        response = paginator.get_paginated_response(
            [api_line(line, BUDGET_COLUMNS) for line in page]
        )
        response.data["totals"] = [api_totals(t) for t in query.totals()]
        return response


def api_totals(totals):
    return {
        "price_basis": totals.price_basis_label,
        "rows": totals.rows,
        **{
            f"{kind}_gbp": None if value is None else str(value)
            for kind, value in (
                ("baseline", totals.baseline_gbp),
                ("forecast", totals.forecast_gbp),
                ("actual", totals.actual_gbp),
                ("variance", totals.variance_gbp),
            )
        },
        "baseline_reported": totals.baseline_reported,
        "forecast_reported": totals.forecast_reported,
        "actual_reported": totals.actual_reported,
        "variance_rows": totals.variance_rows,
    }


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """UK government departments, with their aliases and machinery-of-government links."""

    serializer_class = DepartmentSerializer
    lookup_field = "slug"
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return (
            Department.objects.with_programme_counts()
            .prefetch_related("aliases", "predecessors", "successors")
            .order_by("name")
        )


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Programmes, filterable like the programmes page: department (slug), rating,
    category, status and q (free text). A programme's page has all its figures."""

    lookup_field = "slug"
    lookup_value_regex = LOOKUP
    filterset_class = ProgrammeFilter

    def get_queryset(self):
        queryset = programme_rows().select_related("status_source").order_by("name")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch(
                    "figures",
                    FinancialFigure.objects.select_related(
                        "source", "benefit"
                    ).order_by(
                        "measure", "period", "financial_year", "kind", "data_date"
                    ),
                ),
                Prefetch("benefits", Benefit.objects.select_related("source")),
                Prefetch("names", ProgrammeName.objects.order_by("first_data_date")),
                Prefetch(
                    "milestones",
                    Milestone.objects.select_related("source").prefetch_related(
                        Prefetch(
                            "statements",
                            MilestoneStatement.objects.select_related("source"),
                        )
                    ),
                ),
                Prefetch(
                    "assessments",
                    DeliveryConfidenceAssessment.objects.select_related(
                        "source"
                    ).order_by("data_date", "assessor"),
                ),
                Prefetch(
                    "disruption_impacts",
                    DisruptionImpact.objects.select_related("disruption", "source"),
                ),
            )
        return queryset

    def get_serializer_class(self):
        return (
            ProgrammeDetailSerializer
            if self.action == "retrieve"
            else ProgrammeSerializer
        )

    def get_object(self):
        # The stable slug is the identifier; a numeric database id works too.
        value = self.kwargs["slug"]
        queryset = self.filter_queryset(self.get_queryset())
        if value.isdigit():
            if len(value) > MAX_ID_DIGITS:
                raise Http404
            lookup = {"pk": int(value)}
        else:
            lookup = {"slug": value}
        return get_object_or_404(queryset, **lookup)


class SchemaView(SpectacularAPIView):
    """The OpenAPI description, for signed-in users only like the rest of the API;
    its errors are JSON like the API's, not YAML like the description."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response
