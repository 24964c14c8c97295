"""Query results -> chart cards: a plotly figure dict, and the same numbers as a
table, a text description and a "data up to" date, built together so the chart and
its table cannot disagree. Floats appear only in the plotly figure."""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .exports import safe_cell
from .models import DeliveryConfidenceAssessment
from .money import chart_unit, format_gbp_short, format_gbp_whole, format_pct
from .periods import financial_year_label
from .wording import count_text, signed_count_text

# The Government Analysis Function's categorical palette, in its order.
PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
DASHES = ["solid", "dash", "dot", "dashdot"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up"]
PATTERNS = ["", "/", "x", "."]
NOT_REPORTED = "Not reported"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif'

Rating = DeliveryConfidenceAssessment.Rating
# GOV.UK tag colours (text, background) for each rating; the name is always shown.
RATING_TAGS = {
    Rating.GREEN: ("green", "#083d29", "#cfe4dc"),
    Rating.AMBER_GREEN: ("yellow", "#7a3c1c", "#ffee80"),
    Rating.AMBER: ("orange", "#7a3c1c", "#fde4d7"),
    Rating.AMBER_RED: ("pink", "#651b3e", "#f4d7e5"),
    Rating.RED: ("red", "#651b1b", "#f4d7d7"),
    Rating.EXEMPT: ("grey", "#0b0c0c", "#cecece"),
    Rating.RESET: ("purple", "#2a1950", "#ddd6ec"),
    Rating.NOT_SET: ("grey", "#0b0c0c", "#cecece"),
}
RATING_ORDER = [
    Rating.NOT_SET,
    Rating.EXEMPT,
    Rating.RESET,
    Rating.RED,
    Rating.AMBER_RED,
    Rating.AMBER,
    Rating.AMBER_GREEN,
    Rating.GREEN,
]


# The one wording for a programme with no published rating, on every page.
NO_RATING = "No rating published"


def rating_tag_class(rating):
    return f"govuk-tag--{RATING_TAGS[rating][0]}" if rating in RATING_TAGS else ""


@dataclass
class Cell:
    text: str
    value: object = None  # the exact value, for downloads
    numeric: bool = False
    missing: str = ""  # what a download says when there is no value

    @property
    def download(self):
        return self.missing if self.value is None else safe_cell(self.value)


@dataclass
class ChartCard:
    slug: str
    title: str
    subtitle: str
    source: str
    data_up_to: object
    columns: list
    rows: list
    description: str
    figure: dict | None

    @property
    def figure_id(self):
        return f"{self.slug}-data"

    def csv_text(self):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([safe_cell(c) for c in self.columns])
        for row in self.rows:
            writer.writerow([cell.download for cell in row])
        return buffer.getvalue()

    @property
    def csv_size(self):
        size = len(self.csv_text().encode("utf-8"))
        return f"{size} bytes" if size < 1024 else f"{size / 1024:.0f} KB"


def money_cell(amount, missing=NOT_REPORTED):
    """An exact amount; "Not reported" (in the table and the download) when None."""
    text = missing if amount is None else format_gbp_whole(amount)
    return Cell(text, amount, numeric=True, missing=missing)


def text_cell(text, value=None):
    return Cell(text, text if value is None else value)


def _scaled(amount, unit):
    """An amount in the chart's unit (money.chart_unit), as the float plotly needs."""
    return None if amount is None else float(amount / unit[0])


def _money_axis(unit, title_suffix=""):
    """A value axis in the chart's one unit: titled "£ billion", ticked "£20bn"."""
    _, title, prefix, suffix = unit
    return {
        "title": {"text": title + title_suffix},
        "tickprefix": prefix,
        "ticksuffix": suffix,
        "separatethousands": True,
        "exponentformat": "none",
        "automargin": True,
        "rangemode": "tozero",
    }


def _layout(x_title, y_title, **extra):
    layout = {
        "font": {"family": FONT, "size": 14, "color": "#0b0c0c"},
        # A bar label too small to read is left off (the table has every number),
        # so labels never shrink into each other ("£242m£242m").
        "uniformtext": {"minsize": 12, "mode": "hide"},
        "margin": {"l": 80, "r": 30, "t": 30, "b": 60},
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {"title": {"text": x_title}, "automargin": True},
        "yaxis": {
            "title": {"text": y_title},
            "automargin": True,
            "rangemode": "tozero",
        },
        "hovermode": "closest",
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }
    layout.update(extra)
    return layout


def _bar_trace(index, label, categories, amounts, unit, *, horizontal=False):
    """One bar series in the chart's unit: the palette colour and a pattern of its own
    (never colour alone), each bar labelled with its readable amount."""
    category_axis, value_axis = ("y", "x") if horizontal else ("x", "y")
    trace = {
        "type": "bar",
        "name": label,
        category_axis: categories,
        value_axis: [_scaled(a, unit) for a in amounts],
        "text": [format_gbp_short(a) for a in amounts],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": PALETTE[index], "pattern": {"shape": PATTERNS[index]}},
        "hovertemplate": "%{"
        + category_axis
        + "}: %{text}<extra>"
        + label
        + "</extra>",
    }
    if horizontal:
        trace["orientation"] = "h"
    return trace


def running_totals(yearly_rows, series):
    """yearly_totals() rows -> {year: {series key: cumulative Decimal or None}}.
    A series with no figure yet for a year carries its total forward once started."""
    years = sorted({row["financial_year"] for row in yearly_rows})
    by_key = {}
    for row in yearly_rows:
        by_key[(row["financial_year"], row["measure"], row["kind"])] = row["total"]
    result = {}
    running = dict.fromkeys(series)
    for year in years:
        result[year] = {}
        for key in series:
            measure, kind = key
            amount = by_key.get((year, measure, kind))
            if amount is not None:
                running[key] = (running[key] or 0) + amount
            result[year][key] = running[key]
    return result


CUMULATIVE_SERIES = [
    (("cost", "baseline"), "Cumulative baseline"),
    (("cost", "forecast"), "Cumulative forecast"),
    (("cost", "actual"), "Cumulative actual spend"),
    (("benefit", "forecast"), "Cumulative benefits forecast"),
    (("benefit", "actual"), "Cumulative benefits realised"),
]


def cumulative_spend_card(*, slug, scope, yearly_rows, data_up_to, source):
    """Cumulative spend (baseline, forecast, actual) against cumulative benefits by
    financial year. Series with no figures are left out, and the text says so."""
    present = {(r["measure"], r["kind"]) for r in yearly_rows}
    series = [(key, label) for key, label in CUMULATIVE_SERIES if key in present]
    missing = [label for key, label in CUMULATIVE_SERIES if key not in present]
    cumulative = running_totals(yearly_rows, [key for key, _ in series])
    years = list(cumulative)
    unit = chart_unit(v for year in cumulative.values() for v in year.values())
    traces = []
    for i, (key, label) in enumerate(series):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": label,
                "x": [financial_year_label(y) for y in years],
                "y": [_scaled(cumulative[y][key], unit) for y in years],
                "line": {"color": PALETTE[i], "dash": DASHES[i % 4], "width": 3},
                "marker": {"symbol": SYMBOLS[i % 4], "size": 9},
                "hovertemplate": "%{x}: £%{y:,.2f}"
                + unit[3]
                + "<extra>"
                + label
                + "</extra>",
            }
        )
    rows = [
        [text_cell(financial_year_label(y), financial_year_label(y))]
        + [money_cell(cumulative[y][key]) for key, _ in series]
        for y in years
    ]
    if years:
        last = years[-1]
        parts = [
            f"{label.lower()} {format_gbp_short(cumulative[last][key])}"
            for key, label in series
            if cumulative[last][key] is not None
        ]
        description = (
            f"From {financial_year_label(years[0])} to {financial_year_label(last)}, "
            + "; ".join(parts)
            + "."
        )
    else:
        description = f"No yearly figures have been published for {scope}."
    if missing and years:
        description += " Not published: " + ", ".join(m.lower() for m in missing) + "."
    description += " See the table for every year."
    benefits = any(key[0] == "benefit" for key, _ in series)
    return ChartCard(
        slug=slug,
        title="Cumulative spend and benefits by financial year"
        if benefits
        else "Cumulative spend by financial year",
        subtitle=f"{unit[1]}, nominal prices, {scope}, running totals of the current "
        "figures for each year (figures in real terms are not added in)",
        source=source,
        data_up_to=data_up_to,
        columns=["Financial year"] + [label + " (£)" for _, label in series],
        rows=rows,
        description=description,
        figure={
            "data": traces,
            "layout": _layout(
                "Financial year",
                "",
                yaxis=_money_axis(unit, ", cumulative"),
                legend={"orientation": "h", "y": -0.25},
            ),
        }
        if years
        else None,
    )


def cost_benefit_scatter_card(*, slug, scope, programmes, data_up_to, source):
    """Each programme as a point: whole-life cost against whole-life benefits."""
    both = [
        p
        for p in programmes
        if p.whole_life_cost_gbp is not None and p.benefits_gbp is not None
    ]
    unit = chart_unit(
        [p.whole_life_cost_gbp for p in both] + [p.benefits_gbp for p in both]
    )
    trace = {
        "type": "scatter",
        "mode": "markers+text",
        "name": "Programme",
        "x": [_scaled(p.whole_life_cost_gbp, unit) for p in both],
        "y": [_scaled(p.benefits_gbp, unit) for p in both],
        "text": [p.name for p in both],
        "textposition": _label_positions(both),
        "cliponaxis": False,
        "marker": {"color": PALETTE[0], "size": 12, "symbol": "circle"},
        "hovertemplate": "%{text}<br>Cost £%{x:,.2f}"
        + unit[3]
        + "<br>Benefits £%{y:,.2f}"
        + unit[3]
        + "<extra></extra>",
    }
    rows = [
        [
            text_cell(p.name),
            money_cell(p.whole_life_cost_gbp),
            money_cell(p.benefits_gbp),
        ]
        for p in programmes
    ]
    description = (
        f"{len(both)} of {len(programmes)} programmes in {scope} have published both a "
        "whole-life cost and a benefits baseline"
    )
    if both:
        best = max(both, key=lambda p: (p.benefits_gbp or 0) - p.whole_life_cost_gbp)
        description += (
            f"; the largest benefits net of cost are {best.name}'s "
            f"({format_gbp_short(best.benefits_gbp)} against "
            f"{format_gbp_short(best.whole_life_cost_gbp)})"
        )
    description += ". See the table for every programme."
    return ChartCard(
        slug=slug,
        title="Whole-life cost against benefits, by programme",
        subtitle=f"{unit[1]}, nominal prices, {scope}, the newest nominal whole-life "
        "baselines",
        source=source,
        data_up_to=data_up_to,
        columns=["Programme", "Whole-life cost (£)", "Benefits baseline (£)"],
        rows=rows,
        description=description,
        figure={
            "data": [trace],
            "layout": _layout(
                "",
                "",
                xaxis=_money_axis(unit)
                | {"title": {"text": f"Whole-life cost, {unit[1]}"}},
                yaxis=_money_axis(unit)
                | {"title": {"text": f"Benefits baseline, {unit[1]}"}},
                showlegend=False,
            ),
        }
        if both
        else None,
    )


def _label_positions(programmes):
    """Each point's label on the side away from the nearer edge, so no name is cut
    off at the plot's right or top."""
    widest = max((p.whole_life_cost_gbp for p in programmes), default=0) or 1
    tallest = max((p.benefits_gbp for p in programmes), default=0) or 1
    positions = []
    for p in programmes:
        vertical = "bottom" if p.benefits_gbp > tallest * Decimal("0.8") else "top"
        side = "left" if p.whole_life_cost_gbp > widest / 2 else "right"
        positions.append(f"{vertical} {side}")
    return positions


def benefit_per_pound(department):
    """Benefits for each £1 of whole-life cost, over the programmes that published
    both; None when none did."""
    if not department.matched_cost_gbp:
        return None
    return (department.matched_benefits_gbp / department.matched_cost_gbp).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def department_bars_card(*, slug, departments, data_up_to, source):
    """Whole-life cost and benefits by department, with how many programmes gave
    each figure."""
    shown = [d for d in departments if d.programme_count]
    shown.sort(
        key=lambda d: (
            d.whole_life_cost_total is not None,
            d.whole_life_cost_total or 0,
        )
    )
    names = [d.abbreviation for d in shown]
    measures = [
        ("whole_life_cost_total", "Whole-life cost"),
        ("benefits_total", "Benefits baseline"),
    ]
    unit = chart_unit(getattr(d, attr) for d in shown for attr, _ in measures)
    traces = [
        _bar_trace(
            i, label, names, [getattr(d, attr) for d in shown], unit, horizontal=True
        )
        for i, (attr, label) in enumerate(measures)
    ]
    rows = [
        [
            text_cell(d.name),
            money_cell(d.whole_life_cost_total),
            Cell(
                f"{d.whole_life_cost_reported} of {d.programme_count}",
                d.whole_life_cost_reported,
                True,
            ),
            money_cell(d.benefits_total),
            Cell(
                f"{d.benefits_reported} of {d.programme_count}",
                d.benefits_reported,
                True,
            ),
            Cell(
                "Not comparable"
                if benefit_per_pound(d) is None
                else f"£{benefit_per_pound(d):.2f}",
                benefit_per_pound(d),
                True,
                missing="Not comparable",
            ),
        ]
        for d in reversed(shown)
    ]
    comparable = [d for d in shown if benefit_per_pound(d) is not None]
    if comparable:
        worst = min(comparable, key=benefit_per_pound)
        description = (
            f"{len(shown)} departments hold programmes; {len(comparable)} have "
            "programmes that published both a whole-life cost and a benefits baseline. "
            f"Of those, the least benefit for the money is {worst.name}'s: "
            f"£{benefit_per_pound(worst):.2f} of benefits for each £1 of whole-life cost "
            f"({format_gbp_short(worst.matched_benefits_gbp)} against "
            f"{format_gbp_short(worst.matched_cost_gbp)}). "
        )
        silent = [d.abbreviation for d in shown if d.benefits_reported == 0]
        if silent:
            description += "No benefits published by: " + ", ".join(silent) + ". "
        description += "See the table for every department."
    elif shown:
        description = f"{len(shown)} departments hold programmes; none has published both a whole-life cost and benefits for the same programme."
    else:
        description = "No department holds a programme yet."
    return ChartCard(
        slug=slug,
        title="Whole-life cost and benefits by department",
        subtitle=f"{unit[1]}, nominal prices, all programmes, the newest nominal "
        "whole-life baseline of each",
        source=source,
        data_up_to=data_up_to,
        columns=[
            "Department",
            "Whole-life cost (£)",
            "Programmes reporting cost",
            "Benefits baseline (£)",
            "Programmes reporting benefits",
            "Benefits per £1 of cost (programmes reporting both)",
        ],
        rows=rows,
        description=description,
        figure={
            "data": traces,
            "layout": _layout(
                "",
                "",
                xaxis=_money_axis(unit),
                yaxis={"automargin": True},
                barmode="group",
                height=max(360, 70 * len(shown) + 120),
                margin={"l": 80, "r": 90, "t": 30, "b": 60},
            ),
        }
        if shown
        else None,
    )


def amount_cell(amount):
    """A budget line's figure (budget.Amount): exact pounds, the publisher's words
    for a withheld one, or Not reported; the download says the same."""
    text = format_gbp_whole(amount.gbp) if amount.gbp is not None else str(amount)
    return Cell(text, amount.gbp, numeric=True, missing=str(amount))


def yearly_money_card(*, slug, scope, lines, data_up_to, source):
    """Baseline, forecast and actual for each financial year (budget lines), with
    our variance beside the published one, the price basis and the release."""
    series = [
        ("baseline", "Baseline"),
        ("forecast", "Forecast"),
        ("actual", "Actual spend"),
    ]
    present = [
        (k, label)
        for k, label in series
        if any(getattr(line, k).gbp is not None for line in lines)
    ]
    labels = [line.financial_year_label for line in lines]
    unit = chart_unit(getattr(line, key).gbp for line in lines for key, _ in present)
    traces = [
        _bar_trace(i, label, labels, [getattr(line, key).gbp for line in lines], unit)
        for i, (key, label) in enumerate(present)
    ]
    agreement = {
        None: "",
        False: "Yes (within rounding)",
        True: "No: differs beyond rounding",
    }
    rows = [
        [text_cell(line.financial_year_label)]
        + [amount_cell(getattr(line, key)) for key, _ in series]
        + [
            money_cell(line.variance_gbp, missing=""),
            Cell(format_pct(line.variance_pct), line.variance_pct, True),
            Cell(
                format_pct(line.published_variance_pct, signed=False)
                if line.published_variance_pct is not None
                else "",
                line.published_variance_pct,
                True,
            ),
            text_cell(agreement[line.published_disagrees]),
            text_cell(line.price_basis_label),
            text_cell(line.data_date.strftime("%-d %B %Y"), line.data_date.isoformat()),
        ]
        for line in lines
    ]
    if lines:
        big = [
            line
            for line in lines
            if line.variance_pct is not None and abs(line.variance_pct) > 5
        ]
        description = (
            f"{len(lines)} financial years from {labels[0]} to {labels[-1]}; "
            f"the forecast differed from the baseline by more than 5% in {len(big)} of them"
        )
        latest = lines[-1]
        if latest.baseline.gbp is not None and latest.forecast.gbp is not None:
            description += (
                f". In {labels[-1]} the baseline was "
                f"{format_gbp_short(latest.baseline.gbp)} and the forecast "
                f"{format_gbp_short(latest.forecast.gbp)}"
                + (
                    f" ({latest.price_basis_label.lower()} prices)"
                    if latest.price_basis != "nominal"
                    else ""
                )
            )
        description += ". See the table for every year."
    else:
        description = f"No yearly figures have been published for {scope}."
    return ChartCard(
        slug=slug,
        title="Baseline, forecast and actual by financial year",
        subtitle=f"{unit[1]}, {scope}, the current figure for each year, in the prices "
        "of its release (see the table)",
        source=source,
        data_up_to=data_up_to,
        columns=[
            "Financial year",
            "Baseline (£)",
            "Forecast (£)",
            "Actual spend (£)",
            "Variance (£)",
            "Variance (%)",
            "Variance as published (%)",
            "Published variance agrees with the figures?",
            "Price basis",
            "Release (data date)",
        ],
        rows=rows,
        description=description,
        figure={
            "data": traces,
            "layout": _layout(
                "Financial year", "", yaxis=_money_axis(unit), barmode="group"
            ),
        }
        if lines
        else None,
    )


def end_date_card(*, slug, scope, snapshots, data_up_to, source):
    """The end date each release reported, so slips and re-baselines show."""
    dated = [s for s in snapshots if s.end_date]
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": "Reported end date",
        "x": [s.data_date.isoformat() for s in dated],
        "y": [s.end_date.isoformat() for s in dated],
        "line": {"color": PALETTE[0], "width": 3, "shape": "hv"},
        "marker": {"symbol": "circle", "size": 9},
        "hovertemplate": "Reported %{x|%-d %b %Y}: ends %{y|%-d %b %Y}<extra></extra>",
    }
    rows, previous = [], None
    for s in snapshots:
        change = (s.end_date - previous).days if previous and s.end_date else None
        rows.append(
            [
                text_cell(s.data_date.strftime("%-d %B %Y"), s.data_date.isoformat()),
                text_cell(
                    s.start_date.strftime("%-d %B %Y")
                    if s.start_date
                    else "Not reported",
                    s.start_date.isoformat() if s.start_date else None,
                ),
                text_cell(
                    s.end_date.strftime("%-d %B %Y") if s.end_date else "Not reported",
                    s.end_date.isoformat() if s.end_date else None,
                ),
                Cell(
                    "" if change is None else signed_count_text(change, "day"),
                    change,
                    True,
                ),
            ]
        )
        previous = s.end_date or previous
    if dated:
        first, last = dated[0], dated[-1]
        slip = (last.end_date - first.end_date).days
        description = (
            f"First reported end date {first.end_date:%-d %B %Y} (data of "
            f"{first.data_date:%B %Y}); latest {last.end_date:%-d %B %Y} (data of "
            f"{last.data_date:%B %Y}): {count_text(abs(slip), 'day')} "
            f"{'later' if slip >= 0 else 'earlier'}. See the table for every release."
        )
    else:
        description = f"No end dates have been published for {scope}."
    return ChartCard(
        slug=slug,
        title="Reported end date, release by release",
        subtitle=f"{scope}, the end date each GMPP release gave",
        source=source,
        data_up_to=data_up_to,
        columns=["Data date", "Start date", "End date", "Change since previous"],
        rows=rows,
        description=description,
        figure={
            "data": [trace],
            "layout": _layout(
                "",
                "",
                xaxis=date_axis(
                    "Data date of the release", [s.data_date for s in dated]
                ),
                yaxis=date_axis("Reported end date", [s.end_date for s in dated]),
                showlegend=False,
            ),
        }
        if dated
        else None,
    )


# The scale, worst to best, drawn bottom to top; Exempt, Reset and Not set are no
# point on it and are drawn apart, above, not below Red as if worse.
ON_SCALE = [
    Rating.RED,
    Rating.AMBER_RED,
    Rating.AMBER,
    Rating.AMBER_GREEN,
    Rating.GREEN,
]
OFF_SCALE = [Rating.NOT_SET, Rating.EXEMPT, Rating.RESET]


def _category_axis(ratings, domain):
    labels = [Rating(r).label for r in ratings]
    return {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": labels,
        "range": [-0.5, len(labels) - 0.5],
        "domain": domain,
        "automargin": True,
    }


def _ratings_layout(off_scale):
    layout = _layout(
        "Data date",
        "",
        yaxis=_category_axis(ON_SCALE, [0, 0.68 if off_scale else 1]),
        xaxis={"title": {"text": "Data date"}, "automargin": True},
    )
    if off_scale:
        layout["yaxis2"] = _category_axis(OFF_SCALE, [0.78, 1]) | {
            "title": {"text": "Off the scale"}
        }
    return layout


def _rating_trace(index, name, points, shown):
    """One scale's assessments; those `shown` rejects leave a gap in the line."""
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "legendgroup": name,
        "connectgaps": False,
        "x": [a.data_date.isoformat() for a in points],
        "y": [a.get_rating_display() if shown(a) else None for a in points],
        "line": {"color": "#505a5f", "dash": DASHES[index], "width": 2},
        "marker": {
            "size": 14,
            "symbol": SYMBOLS[index],
            "color": [RATING_TAGS[a.rating][2] for a in points],
            "line": {"color": [RATING_TAGS[a.rating][1] for a in points], "width": 2},
        },
        "customdata": [a.assessor_name for a in points],
        "hovertemplate": "%{x|%-d %b %Y}: %{y} (%{customdata})<extra></extra>",
    }


def date_axis(title, dates):
    """A date axis ticked "Mar 2025", padded so a single date or a label at either
    end is not squeezed or cut off."""
    if not dates:
        return {"title": {"text": title}, "type": "date", "automargin": True}
    first, last = min(dates), max(dates)
    pad = max((last - first) / 10, datetime.timedelta(days=90))
    # Padded within the calendar: a date entered as 31 December 9999 is drawn.
    start = first - min(pad, first - datetime.date.min)
    end = last + min(pad, datetime.date.max - last)
    return {
        "title": {"text": title},
        "type": "date",
        "tickformat": "%b %Y",
        "range": [start.isoformat(), end.isoformat()],
        "automargin": True,
    }


def ratings_card(*, slug, scope, assessments, data_up_to, source):
    """Delivery confidence over time, one series per scale so the change from five
    points to three shows as a visible break."""
    scales = DeliveryConfidenceAssessment.Scale
    traces = []
    off_scale = False
    for i, (scale, label) in enumerate(scales.choices):
        points = [a for a in assessments if a.scale == scale]
        if not points:
            continue
        # The line runs Red -> Green and breaks where an assessment is off it.
        traces.append(
            _rating_trace(i, f"{label} scale", points, lambda a: a.rating in ON_SCALE)
        )
        unrated = [a for a in points if a.rating not in ON_SCALE]
        if unrated:
            off_scale = True
            trace = _rating_trace(i, f"{label} scale", unrated, lambda a: True)
            trace.update(mode="markers", yaxis="y2", showlegend=False)
            traces.append(trace)
    rows, previous_scale = [], None
    for a in assessments:
        rows.append(
            [
                text_cell(a.data_date.strftime("%-d %B %Y"), a.data_date.isoformat()),
                text_cell(a.get_rating_display(), a.get_rating_display()),
                text_cell(a.get_scale_display()),
                text_cell(a.assessor_name),
                text_cell(a.raw_text),
            ]
        )
        rows[-1][2].scale_changed = (
            previous_scale is not None and a.scale != previous_scale
        )
        previous_scale = a.scale
    if assessments:
        latest = assessments[-1]
        description = (
            f"{len(assessments)} assessments from {assessments[0].data_date:%B %Y} to "
            f"{latest.data_date:%B %Y}; the latest is {latest.get_rating_display()} "
            f"({latest.assessor_name}). "
        )
        if len({a.scale for a in assessments}) > 1:
            description += "The scale changed from five points to three in between. "
        description += "See the table for every assessment."
    else:
        description = (
            f"No delivery confidence assessments have been published for {scope}."
        )
    return ChartCard(
        slug=slug,
        title="Delivery confidence over time",
        subtitle=f"{scope}, each published assessment; the line breaks where the scale changed",
        source=source,
        data_up_to=data_up_to,
        columns=["Data date", "Rating", "Scale", "Assessor", "As published"],
        rows=rows,
        description=description,
        figure={
            "data": traces,
            "layout": _ratings_layout(off_scale),
        }
        if assessments
        else None,
    )
