"""The budget lines of the current figures, kept as rows (BudgetLineSummary) by
database triggers on the financial figures, so that they change in the same
statement, and so the same transaction, as every write to a figure: a form, an
import, a merge, a bulk update or raw SQL alike. Nothing in Python has to
remember to refresh them, and every app server reads the same rows.

A line is a programme's current yearly cost figures of one financial year, grouped
as budget.line_values groups them, with the whole-life cost and benefits baselines
published in the same release (data date). SQLite triggers run for each row and
refresh the one line a figure belongs to; PostgreSQL's run once per statement,
with the changed rows as transition tables, and refresh the programmes touched.

`install` (re)creates the triggers and rebuilds every line, and does the same
for the programme summaries (programmes.summaries). Migrations run without
them (apps.py drops them on pre_migrate); after every migrate and flush, `settle`
installs them where the table exists, so a migration that remakes the figures
table (as SQLite's schema editor does, dropping its triggers) cannot leave them
missing, and one that drops the table leaves none naming it."""

from . import summaries
from .budget import KINDS
from .models import BudgetLineSummary, FinancialFigure
from .triggers import ROW_EVENTS, names_held, refresh_function, statement_triggers

FIGURES = FinancialFigure._meta.db_table
LINES = BudgetLineSummary._meta.db_table
PREFIX = "tt_budget_lines"


def _by_kind(kind, column):
    return f"MAX(CASE WHEN f.kind = '{kind}' THEN f.{column} END)"


# (column, SQL over the figures f of one line): the same values as
# budget.line_values gives (a line holds at most one current figure of each kind,
# so a MAX over that kind is that figure's value).
SELECTED = [
    ("programme_id", "f.programme_id"),
    ("financial_year", "f.financial_year"),
    *(
        pair
        for kind in KINDS
        for pair in (
            (f"{kind}_gbp", f"SUM(CASE WHEN f.kind = '{kind}' THEN f.amount_gbp END)"),
            (f"{kind}_withheld", _by_kind(kind, "withheld_text")),
            (f"{kind}_basis", _by_kind(kind, "price_basis")),
            (f"{kind}_base_year", _by_kind(kind, "price_base_year")),
        )
    ),
    ("data_date", "MAX(f.data_date)"),
    ("price_basis", "MAX(f.price_basis)"),
    ("price_base_year", "MAX(f.price_base_year)"),
    ("withheld", "COUNT(*) - COUNT(f.amount_gbp)"),
    ("published_variance_pct", _by_kind("forecast", "published_variance_pct")),
    ("forecast_figure_source_id", _by_kind("forecast", "source_id")),
]
COLUMNS = [name for name, _ in SELECTED]
# One row per programme and year of the current yearly cost figures matching
# {where}.
GROUPED = f"""
    SELECT {", ".join(f"{sql} AS {name}" for name, sql in SELECTED)}
    FROM {FIGURES} f
    WHERE f.is_current AND f.measure = 'cost' AND f.period = 'year' AND {{where}}
    GROUP BY f.programme_id, f.financial_year
"""


def _whole_life(measure):
    """The whole-life baseline of `measure` (no named benefit) that line g's
    programme published on its data date: at most one (a unique constraint)."""
    return f"""(SELECT w.amount_gbp FROM {FIGURES} w
        WHERE w.programme_id = g.programme_id AND w.data_date = g.data_date
          AND w.measure = '{measure}' AND w.kind = 'baseline'
          AND w.period = 'whole_life' AND w.benefit_id IS NULL)"""


INSERT = f"""
    INSERT INTO {LINES} ({", ".join(COLUMNS)}, whole_life_cost_gbp, benefits_gbp)
    SELECT {", ".join(f"g.{name}" for name in COLUMNS)},
           {_whole_life("cost")}, {_whole_life("benefit")}
    FROM ({GROUPED}) AS g
"""
# The lines of programme {p} take the whole-life figures of their own releases.
WHOLE_LIFE_UPDATE = f"""
    UPDATE {LINES} SET
        whole_life_cost_gbp = {_whole_life("cost").replace("g.", f"{LINES}.")},
        benefits_gbp = {_whole_life("benefit").replace("g.", f"{LINES}.")}
    WHERE programme_id = {{p}}
"""


def _refresh_line(row):
    """SQLite: the statements that make line (programme, year) of figure `row`
    (NEW or OLD) again."""
    where = f"f.programme_id = {row}.programme_id AND f.financial_year = {row}.financial_year"
    return (
        f"DELETE FROM {LINES} WHERE programme_id = {row}.programme_id "
        f"AND financial_year = {row}.financial_year;\n"
        + INSERT.format(where=where).strip()
        + ";"
    )


def _sqlite_triggers():
    """(name, CREATE TRIGGER) for each: a yearly cost figure refreshes its line; a
    whole-life figure, its programme's lines' whole-life columns."""
    yearly = "{row}.period = 'year' AND {row}.measure = 'cost'"
    whole_life = "{row}.period = 'whole_life'"
    triggers = []
    for event, rows in ROW_EVENTS:
        for row in rows:
            for what, when, body in (
                ("line", yearly, _refresh_line(row)),
                (
                    "whole_life",
                    whole_life,
                    WHOLE_LIFE_UPDATE.format(p=f"{row}.programme_id").strip() + ";",
                ),
            ):
                name = f"{PREFIX}_{event}_{row}_{what}".lower()
                triggers.append(
                    (
                        name,
                        f"CREATE TRIGGER {name} AFTER {event} ON {FIGURES} "
                        f"WHEN {when.format(row=row)}\nBEGIN\n{body}\nEND",
                    )
                )
    return triggers


# PostgreSQL: the programmes a statement touched, their lines made again at once.
POSTGRES_FUNCTION = refresh_function(
    f"{PREFIX}_refresh",
    "programme_id",
    f"""DELETE FROM {LINES} WHERE programme_id = ANY(touched);
        {INSERT.format(where="f.programme_id = ANY(touched)").strip()};""",
)


def _postgres_triggers():
    return statement_triggers(PREFIX, FIGURES, f"{PREFIX}_refresh")


def rebuild(cursor):
    """Every line made again from the figures."""
    cursor.execute(f"DELETE FROM {LINES}")
    cursor.execute(INSERT.format(where="1 = 1"))


def _drop_triggers(connection, cursor):
    summaries.drop_triggers(connection, cursor)
    if connection.vendor == "postgresql":
        # The function's triggers go with it.
        cursor.execute(f"DROP FUNCTION IF EXISTS {PREFIX}_refresh() CASCADE")
    else:
        for name, _ in _sqlite_triggers():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install(connection):
    """(Re)creates the triggers and rebuilds every line, in one transaction."""
    from django.db import transaction

    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"No budget-line triggers for {connection.vendor}.")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        _drop_triggers(connection, cursor)
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
        for _, sql in _triggers(connection):
            cursor.execute(sql)
        rebuild(cursor)
        # The programme summaries' table comes one migration later.
        if summaries.has_table(connection):
            summaries.install_triggers(connection, cursor)


def uninstall(connection):
    """Drops the triggers (the kept lines then go stale until `install`)."""
    from django.db import transaction

    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        _drop_triggers(connection, cursor)


def has_table(connection):
    return LINES in connection.introspection.table_names()


def settle(connection):
    """After a migrate, a flush or a restore: the triggers and every line made
    again where the kept table exists; where it does not (migrated back before it,
    or a backup from before it), no trigger is left writing to it."""
    if has_table(connection):
        install(connection)
    else:
        uninstall(connection)


def trigger_names(connection):
    """The names of the budget-line triggers the database holds."""
    return names_held(connection, PREFIX)


def _triggers(connection):
    """(name, CREATE TRIGGER) of this database's budget-line triggers."""
    if connection.vendor == "postgresql":
        return _postgres_triggers()
    return _sqlite_triggers()


def expected_trigger_names(connection):
    return {name for name, _ in _triggers(connection)}
