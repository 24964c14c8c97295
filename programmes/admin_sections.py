"""A programme's parts on its admin page: a short section per kind of record, most
recent first, with counts and links to the filtered lists and to add one. Each
row is changed on its own page (its own reason and version check)."""

from dataclasses import dataclass, field

from django.db.models import Count, F
from django.urls import reverse
from django.utils.http import urlencode

from .models import FinancialFigure
from .money import format_gbp
from .periods import financial_year_label

SHOWN = 6  # rows per section; the rest are a link away


@dataclass
class Section:
    title: str
    count: int
    add_url: str
    all_url: str
    rows: list = field(default_factory=list)  # (link text, detail, url)
    filters: list = field(default_factory=list)  # (text, url)


def _url(model_name, action="changelist", *args, **query):
    url = reverse(f"admin:programmes_{model_name}_{action}", args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _figure_section(programme):
    figures = programme.figures.select_related("benefit")
    kinds = dict(FinancialFigure.Kind.choices)
    section = Section(
        title="Financial figures (current ones, newest year first)",
        count=figures.count(),
        add_url=_url("financialfigure", "add", programme=programme.pk),
        all_url=_url("financialfigure", programme=programme.pk),
    )
    counts = figures.order_by().values("kind").annotate(n=Count("pk"))
    section.filters += [
        (
            f"{kinds[row['kind']]}s ({row['n']})",
            _url("financialfigure", programme=programme.pk, kind=row["kind"]),
        )
        for row in counts.order_by("kind")
    ]
    years = (
        figures.exclude(financial_year=None)
        .order_by("-financial_year")
        .values_list("financial_year", flat=True)
        .distinct()[:SHOWN]
    )
    section.filters += [
        (
            financial_year_label(year),
            _url("financialfigure", programme=programme.pk, financial_year=year),
        )
        for year in years
    ]
    # Whole-life and to-date figures first, then the years, newest first.
    current = figures.filter(is_current=True).order_by(
        F("financial_year").desc(nulls_first=True),
        "period",
        "measure",
        "kind",
        "-data_date",
    )
    section.rows = [
        (
            str(figure),
            f"{format_gbp(figure.amount_gbp) or figure.withheld_text} "
            f"as at {figure.data_date:%d %b %Y}",
            _url("financialfigure", "change", figure.pk),
        )
        for figure in current[: SHOWN * 2]
    ]
    return section


def _simple_section(programme, title, relation, model_name, order, describe):
    rows = getattr(programme, relation).order_by(*order)
    return Section(
        title=title,
        count=rows.count(),
        add_url=_url(model_name, "add", programme=programme.pk),
        all_url=_url(model_name, programme=programme.pk),
        rows=[
            (str(row), describe(row), _url(model_name, "change", row.pk))
            for row in rows[:SHOWN]
        ],
    )


def _date(value):
    return f"{value:%d %b %Y}" if value else ""


def programme_parts(programme):
    """The sections of a programme's admin page, in the order an editor uses them."""
    return [
        _figure_section(programme),
        _simple_section(
            programme,
            "Delivery confidence ratings",
            "assessments",
            "deliveryconfidenceassessment",
            ["-data_date"],
            lambda row: (
                f"{row.get_rating_display() or row.raw_text} ({row.assessor_name})"
            ),
        ),
        _simple_section(
            programme,
            "Milestones",
            "milestones",
            "milestone",
            ["-baseline_date", "title"],
            lambda row: (
                f"{row.get_status_display()}; baseline {_date(row.baseline_date)}"
            ),
        ),
        _simple_section(
            programme,
            "Disruption impacts",
            "disruption_impacts",
            "disruptionimpact",
            ["-disruption__started_on"],
            lambda row: format_gbp(row.cost_impact_gbp),
        ),
        _simple_section(
            programme,
            "Benefits",
            "benefits",
            "benefit",
            ["title"],
            lambda row: row.get_category_display(),
        ),
        _simple_section(
            programme,
            "Reported start and end dates",
            "schedule_snapshots",
            "schedulesnapshot",
            ["-data_date"],
            lambda row: f"{_date(row.start_date)} to {_date(row.end_date)}",
        ),
    ]
