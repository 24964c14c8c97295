"""Each programme's headline figures (its latest rating and since when, its newest
nominal whole-life cost and benefits, its spend to date) kept as one row
(ProgrammeSummary) by database triggers on the figures, the ratings and the
programmes, so that they change in the same statement, and so the same
transaction, as every write: a form, an import, a merge, a bulk update or raw SQL
alike. Every page and total reads these rows instead of working out every
programme's newest figures again, on every app server.

A row is made by the SQL Django compiles for ProgrammeQuerySet.with_computed_summary
(the one definition of each figure), for the programmes a write touched: the
triggers cannot disagree with it. SQLite's triggers run for each row and make its
programme's summary again; PostgreSQL's run once per statement, with the changed
rows as transition tables, and make the touched programmes' summaries again.

Installed, dropped and settled with the budget lines' triggers
(programmes.budget_lines): dropped before migrations, put back and every row made
again after every migrate, flush and restore."""

import datetime
from decimal import Decimal

from django.db import connections
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import triggers
from .models import (
    DeliveryConfidenceAssessment,
    FinancialFigure,
    Programme,
    ProgrammeSummary,
)
from .querysets import SUMMARY_COLUMNS
from .triggers import ROW_EVENTS, refresh_function, statement_triggers

SUMMARIES = ProgrammeSummary._meta.db_table
PROGRAMMES = Programme._meta.db_table
# Writes to these tables change a programme's summary: (short name for the
# triggers, table, programme column). PostgreSQL cuts names at 63 characters.
WATCHED = (
    ("figure", FinancialFigure._meta.db_table, "programme_id"),
    ("rating", DeliveryConfidenceAssessment._meta.db_table, "programme_id"),
)
PREFIX = "tt_summary"


def _literal(connection, value):
    """A parameter of our own compiled query written into a trigger's SQL (a
    trigger takes no parameters): the constants of the one definition, never
    user input."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        if connection.vendor == "postgresql":
            return "TRUE" if value else "FALSE"
        return "1" if value else "0"
    if isinstance(value, int) or (isinstance(value, Decimal) and value.is_finite()):
        return str(value)
    if isinstance(value, datetime.date):
        value = value.isoformat()
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"No SQL literal for {value!r} in a programme summary trigger.")


def computed_sql(connection, programmes):
    """SELECT programme id and every summary column, worked out afresh, for the
    programmes whose ids the SQL `programmes` (a SELECT) gives."""
    rows = (
        Programme.objects.using(connection.alias)
        .order_by()
        .with_computed_summary()
        .filter(pk__in=RawSQL(programmes, ()))
        .values_list("pk", *SUMMARY_COLUMNS)
    )
    sql, params = rows.query.get_compiler(connection=connection).as_sql()
    return sql % tuple(_literal(connection, p) for p in params)


def _insert(connection, programmes):
    columns = ", ".join(("programme_id", *SUMMARY_COLUMNS))
    return f"INSERT INTO {SUMMARIES} ({columns}) {computed_sql(connection, programmes)}"


def remake(connection, programme_ids):
    """Makes these programmes' summaries again from their figures and ratings."""
    ids = ", ".join(str(int(pk)) for pk in programme_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SUMMARIES} WHERE programme_id IN ({ids})")
        cursor.execute(
            _insert(connection, f"SELECT id FROM {PROGRAMMES} WHERE id IN ({ids})")
        )


@receiver(post_save, sender=ProgrammeSummary)
def _loaded(sender, instance, raw, using, **kwargs):
    """`loaddata` saves a summary row exactly as a fixture gives it (a dump taken
    before later edits, say): the row is made again from the figures and ratings
    the database holds, as the triggers would."""
    if raw:
        remake(connections[using], [instance.programme_id])


def _sqlite_triggers(connection):
    """(name, CREATE TRIGGER) for each: a written figure or rating makes its
    programme's summary again (both programmes', when an update moves it); a
    deleted programme's summary goes with it."""
    triggers = []
    for short, table, column in WATCHED:
        for event, rows in ROW_EVENTS:
            for row in rows:
                name = f"{PREFIX}_{short}_{event}_{row}".lower()
                body = (
                    f"DELETE FROM {SUMMARIES} WHERE programme_id = {row}.{column};\n"
                    f"{_insert(connection, f'SELECT {row}.{column}')};"
                )
                triggers.append(
                    (
                        name,
                        f"CREATE TRIGGER {name} AFTER {event} ON {table}\n"
                        f"BEGIN\n{body}\nEND",
                    )
                )
    name = f"{PREFIX}_programme_delete"
    triggers.append(
        (
            name,
            f"CREATE TRIGGER {name} AFTER DELETE ON {PROGRAMMES}\nBEGIN\n"
            f"DELETE FROM {SUMMARIES} WHERE programme_id = OLD.id;\nEND",
        )
    )
    return triggers


def _function_name(short):
    return f"{PREFIX}_{short}_refresh"


def _postgres_function(connection, short, table, column):
    name = _function_name(short)
    body = f"""DELETE FROM {SUMMARIES} WHERE programme_id = ANY(touched);
        {_insert(connection, "SELECT unnest(touched)")};"""
    return name, refresh_function(name, column, body)


DELETED_FUNCTION = f"{PREFIX}_programme_deleted"


def _postgres_functions(connection):
    functions = [_postgres_function(connection, *watched) for watched in WATCHED]
    functions.append(
        (
            DELETED_FUNCTION,
            f"""
CREATE OR REPLACE FUNCTION {DELETED_FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {SUMMARIES} WHERE programme_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END;
$$
""",
        )
    )
    return functions


def _postgres_triggers(connection):
    triggers = []
    for short, table, _ in WATCHED:
        triggers += statement_triggers(
            f"{PREFIX}_{short}", table, _function_name(short)
        )
    name = f"{PREFIX}_programme_delete"
    triggers.append(
        (
            name,
            f"CREATE TRIGGER {name} AFTER DELETE ON {PROGRAMMES} "
            f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {DELETED_FUNCTION}()",
        )
    )
    return triggers


def _triggers(connection):
    if connection.vendor == "postgresql":
        return _postgres_triggers(connection)
    return _sqlite_triggers(connection)


def rebuild(cursor, connection):
    """Every programme's summary made again from its figures and ratings."""
    cursor.execute(f"DELETE FROM {SUMMARIES}")
    cursor.execute(_insert(connection, f"SELECT id FROM {PROGRAMMES}"))


def drop_triggers(connection, cursor):
    if connection.vendor == "postgresql":
        # A function's triggers go with it.
        for function in [*(_function_name(s) for s, _, _ in WATCHED), DELETED_FUNCTION]:
            cursor.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")
    else:
        for name, _ in _sqlite_triggers(connection):
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install_triggers(connection, cursor):
    """(Re)creates the triggers and makes every summary again, inside the caller's
    transaction."""
    drop_triggers(connection, cursor)
    if connection.vendor == "postgresql":
        for _, sql in _postgres_functions(connection):
            cursor.execute(sql)
    for _, sql in _triggers(connection):
        cursor.execute(sql)
    rebuild(cursor, connection)


def has_table(connection):
    return SUMMARIES in connection.introspection.table_names()


def trigger_names(connection):
    """The names of the summary triggers the database holds."""
    return triggers.names_held(connection, PREFIX)


def expected_trigger_names(connection):
    return {name for name, _ in _triggers(connection)}
