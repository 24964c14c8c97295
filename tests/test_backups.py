"""A backup and restore round trip keeps every figure and every history record:
every table is compared, row for row."""

import os
import sqlite3
from decimal import Decimal

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from programmes import services
from programmes.backups import backup, restore
from programmes.demo import load_demo_data
from programmes.models import FinancialFigure


def _table_digests(cursor, tables):
    digests = {}
    for table in tables:
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"
        )
        digests[table] = cursor.fetchone()
    return digests


@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip_keeps_every_table(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore need PostgreSQL (CI)")
    load_demo_data()
    figure = FinancialFigure.objects.filter(kind="baseline", period="year").first()
    services.correct_figure(
        figure=figure, amount_gbp=figure.amount_gbp + Decimal("0.01"), reason="typo"
    )
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        before = _table_digests(cursor, tables)
    settings = dict(connection.settings_dict)
    copy_name = f"restore_check_{os.getpid()}"
    params = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
    }
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{copy_name}"')
    admin.cursor().execute(f'CREATE DATABASE "{copy_name}"')
    try:
        dump = backup(tmp_path / "round-trip.dump")
        restore(dump, database={**settings, "NAME": copy_name})
        restored = psycopg2.connect(dbname=copy_name, **params)
        try:
            after = _table_digests(restored.cursor(), tables)
        finally:
            restored.close()
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{copy_name}"')
        admin.close()

    assert after == before
    assert (
        before["programmes_historicalfinancialfigure"][0]
        > FinancialFigure.objects.count()
    )
    assert before["programmes_changelogentry"][0] > 0


def test_sqlite_round_trip_keeps_every_row(tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite copy is tested where SQLite is the database")
    source = tmp_path / "live.sqlite3"
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE figure (id INTEGER PRIMARY KEY, amount TEXT)")
        db.executemany(
            "INSERT INTO figure (amount) VALUES (?)",
            [(f"{i}.25",) for i in range(1000)],
        )
    target = tmp_path / "restored.sqlite3"

    copy = backup(tmp_path / "backup.sqlite3", database={"NAME": str(source)})
    restore(copy, database={"NAME": str(target)})

    with sqlite3.connect(target) as db:
        rows = db.execute("SELECT id, amount FROM figure ORDER BY id").fetchall()
    with sqlite3.connect(source) as db:
        assert (
            rows == db.execute("SELECT id, amount FROM figure ORDER BY id").fetchall()
        )
    assert len(rows) == 1000


def test_restore_needs_confirmation():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", "somewhere.dump")
