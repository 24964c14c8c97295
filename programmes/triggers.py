"""What the triggers that keep rows (programmes.budget_lines, programmes.summaries)
share: the events and the rows each sees, and PostgreSQL's statement-level refresh
of the programmes a statement touched."""

# SQLite's row triggers: each event with the rows it sees.
ROW_EVENTS = (
    ("INSERT", ("NEW",)),
    ("DELETE", ("OLD",)),
    ("UPDATE", ("OLD", "NEW")),
)
# PostgreSQL's statement triggers: each event with its transition tables.
STATEMENT_EVENTS = (
    ("INSERT", "NEW TABLE AS new_rows"),
    ("DELETE", "OLD TABLE AS old_rows"),
    ("UPDATE", "NEW TABLE AS new_rows OLD TABLE AS old_rows"),
)
# The first key of the advisory locks the triggers take per programme: one for
# every kind of kept row, so one writer at a time keeps a programme's rows.
LOCK_CLASS = 7361


def refresh_function(name, column, body):
    """CREATE FUNCTION `name`: the programmes a statement touched (`column` of its
    old and new rows) gathered in `touched`, locked, then `body` (SQL that makes
    their kept rows again from `touched`)."""
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    touched bigint[];
    programme bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT {column}) INTO touched FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT {column}) INTO touched FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT {column}) INTO touched FROM (
            SELECT {column} FROM new_rows
            UNION SELECT {column} FROM old_rows) AS changed;
    END IF;
    IF touched IS NOT NULL THEN
        -- One writer at a time per programme, taken in programme order: two
        -- transactions writing rows of one programme (the app's own writers
        -- already take turns, a bulk update or raw SQL need not) each make its
        -- kept rows from what the other committed, instead of one inserting a
        -- row the other's delete never saw.
        FOR programme IN SELECT unnest(touched) ORDER BY 1 LOOP
            PERFORM pg_advisory_xact_lock({LOCK_CLASS}, (programme % 2147483647)::int);
        END LOOP;
        {body}
    END IF;
    RETURN NULL;
END;
$$
"""


def statement_triggers(prefix, table, function):
    """(name, CREATE TRIGGER) for each event on `table`, once per statement with
    its transition tables, calling `function`."""
    triggers = []
    for event, tables in STATEMENT_EVENTS:
        name = f"{prefix}_{event}".lower()
        triggers.append(
            (
                name,
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"REFERENCING {tables} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {function}()",
            )
        )
    return triggers


def names_held(connection, prefix):
    """The names of the triggers whose names start with `prefix` that the
    database holds."""
    pattern = prefix.replace("_", r"\_") + "%"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT trigger_name FROM information_schema.triggers "
                "WHERE trigger_name LIKE %s ESCAPE '\\'",
                [pattern],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s ESCAPE '\\'",
                [pattern],
            )
        return {row[0] for row in cursor.fetchall()}
