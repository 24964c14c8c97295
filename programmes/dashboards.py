"""One call per page: the headline figures, chart cards and lists a dashboard shows,
read with a fixed number of queries whatever the number of programmes."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, Sum

from . import charts
from .budget import lines_for_programme
from .freshness import cached
from .milestone_charts import milestone_card
from .models import (
    DeliveryConfidenceAssessment,
    Department,
    Disruption,
    DisruptionImpact,
    Fact,
    FinancialFigure,
    MilestoneStatement,
    Programme,
    ScheduleSnapshot,
    Source,
    in_stated_order,
)
from .money import format_gbp_short
from .querysets import DEPARTMENT_TOTALS
from .wording import count_text

GMPP_TITLE = "Government Major Projects Portfolio data releases"


def source_line(model, programmes, **filters):
    """A chart's source line, built from the sources of the rows it shows (`model`
    rows of these programmes, or of every programme when None: then no join to
    the programmes is needed): the GMPP releases with their years, synthetic data
    as synthetic, and how many other publications."""
    if programmes is not None:
        filters["programme__in"] = programmes
    sources = Source.objects.filter(
        pk__in=model.objects.filter(**filters).values("source")
    )
    kinds = {}
    for kind, year in sources.values_list("kind", "published_year"):
        kinds.setdefault(kind, []).append(year)
    parts = []
    if years := kinds.pop(Source.Kind.GMPP_RELEASE, None):
        span = (
            f"{min(years)}"
            if min(years) == max(years)
            else f"{min(years)}–{max(years)}"
        )
        parts.append(f"{GMPP_TITLE}, published {span} (Open Government Licence v3.0)")
    if kinds.pop(Source.Kind.SYNTHETIC, None):
        parts.append("Synthetic data, generated for testing: not real figures")
    if others := sum(len(years) for years in kinds.values()):
        parts.append(
            f"{others} other publication{'s' if others != 1 else ''} (see Sources)"
        )
    return "; ".join(parts) or "No source: nothing is shown"


@dataclass
class Headline:
    label: str
    value: str
    detail: str = ""
    exact: object = None  # the exact amount behind a rounded value


def _latest_date(*dates):
    dates = [d for d in dates if d]
    return max(dates) if dates else None


NOT_REPORTED = "Not reported"
HEADLINE_MONEY = [
    ("whole_life_cost", "Whole-life cost"),
    ("spend_to_date", "Spend to date"),
    ("benefits", "Benefits baseline"),
]


def headline_figures(programmes):
    """Programmes, whole-life cost, spend to date and benefits for a set of
    programmes: the sums of exactly what each programme's page shows (nominal
    prices), each saying how many programmes reported it; "Not reported" when
    none did."""
    totals = programmes.money_totals()
    count = totals["programmes"]
    headlines = [Headline("Programmes", f"{count:,}")]
    for name, label in HEADLINE_MONEY:
        total = totals[f"{name}_total"]
        detail = f"from {totals[f'{name}_reported']:,} of {count:,} programmes"
        if total is not None:
            detail += ", nominal prices"
        headlines.append(
            Headline(
                label,
                NOT_REPORTED if total is None else format_gbp_short(total),
                detail,
                exact=total,
            )
        )
    return headlines


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
                "label": charts.NO_RATING,
                "tag_class": "govuk-tag--grey",
                "count": counts[""],
            }
        )
    return rows


def data_up_to(programmes=None):
    """The newest data date of the figures and ratings of these programmes (of all
    of them when None: then an index answers it at once, kept per data version)."""
    if programmes is None:
        return cached("data-up-to", _data_up_to)
    return _data_up_to(programmes)


def _data_up_to(programmes=None):
    figures = FinancialFigure.objects.all()
    ratings = DeliveryConfidenceAssessment.objects.all()
    if programmes is not None:
        figures = figures.for_programmes(programmes)
        ratings = ratings.filter(programme__in=programmes)
    return _latest_date(figures.latest_data_date(), ratings.latest_data_date())


def departments_with_totals():
    """Every department that holds programmes, with its portfolio totals (see
    ProgrammeQuerySet.department_totals; None where nothing was published): two
    queries, whatever the number of programmes, merged by department; kept per data
    version."""
    return cached("departments-with-totals", _departments_with_totals)


def _departments_with_totals():
    totals = {row["department"]: row for row in Programme.objects.department_totals()}
    departments = list(Department.objects.filter(pk__in=totals).order_by("name"))
    for department in departments:
        row = totals.get(department.pk, {})
        for name in DEPARTMENT_TOTALS:
            default = 0 if name.endswith(("_count", "_reported")) else None
            setattr(department, name, row.get(name, default))
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
    """Kept per data version (programmes.freshness): never older than the last
    committed edit."""
    return cached("portfolio", _portfolio_dashboard)


def _portfolio_dashboard():
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
            source=source_line(FinancialFigure, None, period="whole_life"),
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
    """Kept per data version and department."""
    return cached(
        "department", lambda: _department_dashboard(department), department.pk
    )


def _department_dashboard(department):
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
            source=source_line(FinancialFigure, programmes, period="year"),
        ),
        scatter_card=charts.cost_benefit_scatter_card(
            slug="cost-benefit",
            scope=scope,
            programmes=listed,
            data_up_to=as_at,
            source=source_line(FinancialFigure, programmes, period="whole_life"),
        ),
        data_up_to=as_at,
        sources=list(sources_for(programmes)[:50]),
    )


@dataclass
class ProgrammeDashboard:
    programme: object
    money: object  # the programme with_money(): what totals add up
    whole_life_cost: object  # the current figure, shown when in real terms
    benefits: object
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
    latest_dates_at: object = None  # the data date of the latest reported dates
    published_names: list = ()
    other_names: list = ()
    milestone_cards: list = ()  # one per milestone whose date was stated more than once

    @property
    def end_date_slip_text(self):
        days = self.programme.end_date_slip_days
        if not days:
            return ""
        return f"{count_text(abs(days), 'day')} {'later' if days > 0 else 'earlier'}"


def programme_dashboard(programme):
    """Kept per data version and programme."""
    return cached("programme", lambda: _programme_dashboard(programme), programme.pk)


def _programme_dashboard(programme):
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
    money = Programme.objects.with_money().get(pk=programme.pk)
    assessments = list(
        programme.assessments.select_related("source").order_by("data_date", "assessor")
    )
    snapshots = list(programme.schedule_snapshots.order_by("data_date"))
    names = list(programme.names.order_by("first_data_date", "name"))
    rows = list(FinancialFigure.objects.filter(programme=programme).yearly_totals())
    milestones = list(
        programme.milestones.select_related("source", "programme").prefetch_related(
            Prefetch("statements", MilestoneStatement.objects.select_related("source"))
        )
    )
    return ProgrammeDashboard(
        programme=programme,
        money=money,
        whole_life_cost=whole_life.get(("cost", "baseline")),
        benefits=whole_life.get(("benefit", "baseline")),
        years_card=charts.yearly_money_card(
            slug="years",
            scope=scope,
            lines=lines_for_programme(programme),
            data_up_to=as_at,
            source=source_line(FinancialFigure, one, period="year"),
        ),
        cumulative_card=charts.cumulative_spend_card(
            slug="cumulative",
            scope=scope,
            yearly_rows=rows,
            data_up_to=as_at,
            source=source_line(FinancialFigure, one, period="year"),
        ),
        end_date_card=charts.end_date_card(
            slug="end-date",
            scope=scope,
            snapshots=snapshots,
            data_up_to=as_at,
            source=source_line(ScheduleSnapshot, one),
        ),
        ratings_card=charts.ratings_card(
            slug="ratings",
            scope=scope,
            assessments=assessments,
            data_up_to=as_at,
            source=source_line(DeliveryConfidenceAssessment, one),
        ),
        milestones=milestones,
        milestone_cards=[
            milestone_card(
                milestone=m,
                statements=in_stated_order(m.statements.all()),
                data_up_to=as_at,
            )
            for m in milestones
            if len(m.statements.all()) > 1
        ],
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
        latest_dates_at=snapshots[-1].data_date if snapshots else None,
        published_names=[n for n in names if n.kind == "published"],
        other_names=[n for n in names if n.kind != "published"],
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
    return totals, impacts, related_disruptions(disruption, impacts)


def related_disruptions(disruption, impacts):
    """Other disruptions that hit any of the same programmes (EU exit and the 2019
    border reset share Digital Services at the Border), each with the programmes
    they share, in one query."""
    hit = {impact.programme_id: impact.programme for impact in impacts}
    shared = (
        DisruptionImpact.objects.filter(programme_id__in=hit)
        .exclude(disruption=disruption)
        .select_related("disruption")
        .order_by("disruption__started_on", "disruption__name", "programme__name")
    )
    related = {}
    for impact in shared:
        related.setdefault(impact.disruption, []).append(hit[impact.programme_id])
    return [
        {"disruption": other, "programmes": programmes}
        for other, programmes in related.items()
    ]
