"""A milestone's statements -> a chart card: how its planned date moved, statement
by statement, with the same rows as a table and the slip in words."""

from . import periods
from .charts import (
    DASHES,
    PALETTE,
    SYMBOLS,
    Cell,
    ChartCard,
    _layout,
    date_axis,
    text_cell,
)
from .models import MilestoneStatement

Kind = MilestoneStatement.Kind


def _long(day):
    return f"{day.day} {day:%B %Y}"


def stated_text(statement):
    """When it was stated, as precisely as the source says; else when published."""
    if statement.stated_on:
        return statement.stated_on_text
    return f"Not stated (source published {_source_date(statement.source)})"


def _source_date(source):
    return _long(source.published_on) if source.published_on else source.published_year


def source_text(source):
    return f"{source.title}, {source.publisher}, {_source_date(source)}"


def _trace(index, name, statements, *, line):
    return {
        "type": "scatter",
        "mode": ("lines+" if line else "") + "markers+text",
        "name": name,
        "x": [s.known_by.isoformat() for s in statements],
        "y": [s.date.isoformat() for s in statements],
        "text": [s.date_text for s in statements],
        "textposition": "top center",
        "cliponaxis": False,
        "line": {"color": PALETTE[index], "dash": DASHES[index], "shape": "hv"},
        "marker": {"symbol": SYMBOLS[index], "size": 11, "color": PALETTE[index]},
        "hovertemplate": "Stated by %{x|%-d %b %Y}: %{text}<extra>" + name + "</extra>",
    }


def milestone_card(*, milestone, statements, data_up_to):
    """`statements` in stated order (models.in_stated_order). The slip runs from
    the first baseline to the actual date, else the latest forecast, counted at
    the coarser precision of the two (periods.slip_between)."""
    baseline = next((s for s in statements if s.kind == Kind.BASELINE), None)
    planned = [s for s in statements if s.kind != Kind.ACTUAL]
    actual = [s for s in statements if s.kind == Kind.ACTUAL]
    rows = []
    for s in statements:
        slip = (
            periods.slip_between(baseline.date, baseline.precision, s.date, s.precision)
            if baseline
            else None
        )
        rows.append(
            [
                text_cell(
                    stated_text(s), s.stated_on.isoformat() if s.stated_on else ""
                ),
                text_cell(s.get_kind_display()),
                text_cell(s.date_text, s.date.isoformat()),
                text_cell(s.get_precision_display()),
                Cell(
                    str(slip) if slip else "No baseline published",
                    slip.count if slip else None,
                    missing="",
                ),
                text_cell(source_text(s.source)),
            ]
        )
    description = _description(milestone, baseline, planned, actual)
    traces = [_trace(0, "Planned date", planned, line=True)] if planned else []
    if actual:
        traces.append(_trace(1, "Achieved", actual, line=False))
    publishers = sorted({s.source.publisher for s in statements})
    return ChartCard(
        slug=f"milestone-{milestone.pk}",
        title=f"{milestone.title}: planned date, statement by statement",
        subtitle=f"{milestone.programme.name}, each published date for this "
        "milestone, as precise as its source (a month, a year, a financial year)",
        source="; ".join(publishers) + " (each statement's source is in the table)",
        data_up_to=data_up_to,
        columns=[
            "Stated on",
            "Statement",
            "Date",
            "Precision",
            "Change since the first baseline",
            "Source",
        ],
        rows=rows,
        description=description,
        figure={
            "data": traces,
            "layout": _layout(
                "",
                "",
                xaxis=date_axis("When it was stated", [s.known_by for s in statements]),
                yaxis=date_axis(
                    "Date planned or achieved", [s.date for s in statements]
                ),
                legend={"orientation": "h", "y": -0.3},
            ),
        },
    )


def _description(milestone, baseline, planned, actual):
    if baseline:
        when = (
            f"stated {baseline.stated_on_text}"
            if baseline.stated_on
            else f"in a source published {_source_date(baseline.source)}"
        )
        text = f"First planned for {baseline.date_text} ({when})"
    else:
        text = "No baseline date has been published"
    latest = actual[-1] if actual else (planned[-1] if planned else None)
    if latest is not None and latest is not baseline:
        verb = "achieved" if latest.kind == Kind.ACTUAL else "latest forecast"
        text += f"; {verb} {latest.date_text}"
    if milestone.slip is not None:
        text += f": {milestone.slip}"
    statements = planned + actual
    sources = len({s.source_id for s in statements})
    return (
        f"{text}. {len(statements)} statements from {sources} "
        f"source{'s' if sources != 1 else ''}; see the table."
    )
