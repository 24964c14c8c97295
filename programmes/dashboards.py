"""One call per page: the headline figures, chart cards and lists a dashboard shows,
read with a fixed number of queries whatever the number of programmes."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from . import charts
from .models import (
    DeliveryConfidenceAssessment,
    Department,
    Disruption,
    DisruptionImpact,
    Fact,
    FinancialFigure,
    Programme,
    Source,
)
from .money import differs_beyond_rounding, format_gbp_short, variance, variance_pct

# Sources of the cross-government NISTA releases (services.gmpp_source_key).
NISTA_SOURCE_PREFIX = "gmpp-nista-"
GMPP_SOURCE = (
    "Government Major Projects Portfolio data (departments' annual releases, OGL v3.0)"
)


@dataclass
class Headline:
    label: str
    value: str
    detail: str = ""


def _latest_date(*dates):
    dates = [d for d in dates if d]
    return max(dates) if dates else None


def _coverage(label, totals, programme_count):
    detail = f"from {totals['reported']} of {programme_count} programmes"
    if totals["withheld"]:
        detail += f"; {totals['withheld']} withheld"
    return Headline(label, format_gbp_short(totals["total"]), detail)


def headline_figures(programmes):
    """Programmes, whole-life cost, spend to date and benefits (each saying how many
    programmes reported it) for a set of programmes."""
    programme_count = programmes.count()
    figures = FinancialFigure.objects.current().for_programmes(programmes)
    wlc = figures.costs().whole_life_baselines().totals_with_coverage()
    benefits = figures.benefits().whole_life_baselines().totals_with_coverage()
    spend = figures.costs().filter(kind="actual").totals_with_coverage()
    return [
        Headline("Programmes", f"{programme_count:,}"),
        _coverage("Whole-life cost", wlc, programme_count),
        _coverage("Spend to date reported", spend, programme_count),
        _coverage("Benefits baseline", benefits, programme_count),
    ]


def rating_summary(programmes):
    counts = programmes.rating_counts()
    Rating = DeliveryConfidenceAssessment.Rating
    rows = [
        {
            "rating": rating,
            "label": Rating(rating).label,
            "tag_class": charts.rating_tag_class(rating),
            "count": counts.get(rating, 0),
        }
        for rating in reversed(charts.RATING_ORDER)
        if counts.get(rating)
    ]
    if counts.get(""):
        rows.append(
            {
                "rating": "",
                "label": "No rating published",
                "tag_class": "govuk-tag--grey",
                "count": counts[""],
            }
        )
    return rows


def data_up_to(programmes=None):
    """The newest data date of the figures and ratings of these programmes (of all
    of them when None: then an index answers it at once)."""
    figures = FinancialFigure.objects.all()
    ratings = DeliveryConfidenceAssessment.objects.all()
    if programmes is not None:
        figures = figures.for_programmes(programmes)
        ratings = ratings.filter(programme__in=programmes)
    return _latest_date(figures.latest_data_date(), ratings.latest_data_date())


def departments_with_totals():
    """Every department with its portfolio totals (see
    ProgrammeQuerySet.department_totals): two queries, whatever the number of
    programmes, merged by department."""
    totals = {row["department"]: row for row in Programme.objects.department_totals()}
    departments = list(Department.objects.order_by("name"))
    empty = dict.fromkeys(
        ("programme_count", "whole_life_cost_reported", "benefits_reported"), 0
    ) | dict.fromkeys(
        (
            "whole_life_cost_gbp",
            "benefits_gbp",
            "matched_cost_gbp",
            "matched_benefits_gbp",
        ),
        Decimal("0"),
    )
    for department in departments:
        for name, value in (empty | totals.get(department.pk, {})).items():
            if name != "department":
                setattr(department, name, value if value is not None else empty[name])
    return departments


def sources_for(programmes):
    """The sources behind these programmes' figures, ratings and facts, newest
    first: three IN subqueries, so no join multiplies rows."""
    return Source.objects.filter(
        Q(
            pk__in=FinancialFigure.objects.filter(programme__in=programmes).values(
                "source"
            )
        )
        | Q(
            pk__in=DeliveryConfidenceAssessment.objects.filter(
                programme__in=programmes
            ).values("source")
        )
        | Q(pk__in=Fact.objects.filter(programme__in=programmes).values("source"))
    ).order_by("-published_year", "title")


@dataclass
class PortfolioDashboard:
    headlines: list
    ratings: list
    departments_card: object
    data_up_to: object
    facts: list


def portfolio_dashboard():
    programmes = Programme.objects.all()
    as_at = data_up_to()
    departments = departments_with_totals()
    return PortfolioDashboard(
        headlines=headline_figures(programmes),
        ratings=rating_summary(programmes),
        departments_card=charts.department_bars_card(
            slug="by-department",
            departments=departments,
            data_up_to=as_at,
            source=GMPP_SOURCE,
        ),
        data_up_to=as_at,
        facts=list(
            Fact.objects.filter(programme__isnull=True).select_related("source")
        ),
    )


@dataclass
class DepartmentDashboard:
    department: object
    headlines: list
    ratings: list
    cumulative_card: object
    scatter_card: object
    data_up_to: object
    sources: list


def department_dashboard(department):
    programmes = Programme.objects.for_department(department)
    as_at = data_up_to(programmes)
    scope = department.name
    rows = list(FinancialFigure.objects.for_programmes(programmes).yearly_totals())
    listed = list(programmes.with_whole_life_cost().with_benefits().order_by("name"))
    return DepartmentDashboard(
        department=department,
        headlines=headline_figures(programmes),
        ratings=rating_summary(programmes),
        cumulative_card=charts.cumulative_spend_card(
            slug="cumulative",
            scope=scope,
            yearly_rows=rows,
            data_up_to=as_at,
            source=GMPP_SOURCE,
        ),
        scatter_card=charts.cost_benefit_scatter_card(
            slug="cost-benefit",
            scope=scope,
            programmes=listed,
            data_up_to=as_at,
            source=GMPP_SOURCE,
        ),
        data_up_to=as_at,
        sources=list(sources_for(programmes)[:50]),
    )


def programme_years(programme):
    """The current baseline, forecast and actual of each financial year, with our
    variance, the published one, and whether the two really disagree (beyond the
    publisher's rounding; NISTA's files publish the variance without its sign)."""
    figures = (
        FinancialFigure.objects.current()
        .costs()
        .yearly()
        .filter(programme=programme)
        .select_related("source")
        .order_by("financial_year")
    )
    years = {}
    for f in figures:
        row = years.setdefault(
            f.financial_year,
            {
                "year": f.financial_year,
                "baseline": None,
                "forecast": None,
                "actual": None,
                "published_variance_pct": None,
                "unsigned": False,
            },
        )
        row[f.kind] = f.amount_gbp
        if f.kind == "forecast":
            row["published_variance_pct"] = f.published_variance_pct
            row["unsigned"] = f.source.key.startswith(NISTA_SOURCE_PREFIX)
    for row in years.values():
        row["variance"] = variance(row["baseline"], row["forecast"])
        row["variance_pct"] = variance_pct(row["baseline"], row["forecast"])
        published, ours = row["published_variance_pct"], row["variance_pct"]
        if row["unsigned"] and published is not None and ours is not None:
            published, ours = abs(published), abs(ours)
        row["published_disagrees"] = (
            None
            if published is None or ours is None
            else differs_beyond_rounding(published, ours)
        )
    return list(years.values())


@dataclass
class ProgrammeDashboard:
    programme: object
    whole_life_cost: object
    benefits: object
    spend_to_date: object
    years_card: object
    cumulative_card: object
    end_date_card: object
    ratings_card: object
    milestones: list
    impacts: list
    facts: list
    sources: list
    benefits_named: list
    narratives: list
    data_up_to: object
    latest_assessment: object

    @property
    def end_date_slip_text(self):
        days = self.programme.end_date_slip_days
        if not days:
            return ""
        return f"{abs(days):,} days {'later' if days > 0 else 'earlier'}"


def programme_dashboard(programme):
    one = Programme.objects.filter(pk=programme.pk)
    as_at = data_up_to(one)
    scope = programme.name
    current = (
        FinancialFigure.objects.current()
        .filter(programme=programme)
        .select_related("source")
    )
    whole_life = {
        (f.measure, f.kind): f
        for f in current.whole_life().filter(benefit__isnull=True)
    }
    spend = (
        current.costs()
        .filter(kind="actual", period="to_date")
        .order_by("-data_date")
        .first()
    )
    assessments = list(
        programme.assessments.select_related("source").order_by("data_date", "assessor")
    )
    snapshots = list(programme.schedule_snapshots.order_by("data_date"))
    rows = list(FinancialFigure.objects.filter(programme=programme).yearly_totals())
    return ProgrammeDashboard(
        programme=programme,
        whole_life_cost=whole_life.get(("cost", "baseline")),
        benefits=whole_life.get(("benefit", "baseline")),
        spend_to_date=spend,
        years_card=charts.yearly_money_card(
            slug="years",
            scope=scope,
            years=programme_years(programme),
            data_up_to=as_at,
            source=GMPP_SOURCE,
        ),
        cumulative_card=charts.cumulative_spend_card(
            slug="cumulative",
            scope=scope,
            yearly_rows=rows,
            data_up_to=as_at,
            source=GMPP_SOURCE,
        ),
        end_date_card=charts.end_date_card(
            slug="end-date",
            scope=scope,
            snapshots=snapshots,
            data_up_to=as_at,
            source=GMPP_SOURCE,
        ),
        ratings_card=charts.ratings_card(
            slug="ratings",
            scope=scope,
            assessments=assessments,
            data_up_to=as_at,
            source=GMPP_SOURCE,
        ),
        milestones=list(programme.milestones.select_related("source")),
        impacts=list(
            programme.disruption_impacts.select_related("disruption", "source")
        ),
        facts=list(programme.facts.select_related("source")),
        sources=list(sources_for(one)),
        benefits_named=list(programme.benefits.select_related("source")),
        narratives=list(
            programme.narratives.select_related("source").order_by(
                "-data_date", "topic"
            )[:60]
        ),
        data_up_to=as_at,
        latest_assessment=max(
            assessments, key=lambda a: (a.data_date, a.assessor == "ipa"), default=None
        ),
    )


def disruptions_with_totals():
    """Adds each disruption's total cost and schedule impact and how many impacts
    were quantified."""
    return Disruption.objects.annotate(
        programme_count=Count("impacts"),
        cost_total=Sum("impacts__cost_impact_gbp"),
        cost_quantified=Count("impacts__cost_impact_gbp"),
        days_total=Sum("impacts__schedule_impact_days"),
        days_quantified=Count("impacts__schedule_impact_days"),
    ).select_related("source")


def disruption_detail(disruption):
    impacts = list(
        DisruptionImpact.objects.filter(disruption=disruption)
        .select_related("programme", "programme__department", "source")
        .order_by("programme__name")
    )
    totals = disruptions_with_totals().get(pk=disruption.pk)
    return totals, impacts
