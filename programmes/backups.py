"""Backup and restore: pg_dump/pg_restore for PostgreSQL, SQLite's online backup
for SQLite (a consistent copy even while the service runs)."""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .freshness import bump

# The migrations that made the kept rows' tables: budget lines, then programme
# summaries.
KEPT_TABLE_MIGRATIONS = (
    ("programmes", "0017_budget_line_summary"),
    ("programmes", "0018_programme_summary"),
)


class BackupError(Exception):
    pass


def _pg_env(database):
    env = {**os.environ, "PGDATABASE": database["NAME"]}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    return env


def _run(command, env=None):
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed (Debian: postgresql-client)."
        ) from None
    if result.returncode != 0:
        raise BackupError(
            f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}"
        )
    return result


def default_path(vendor):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if vendor == "postgresql" else "sqlite3"
    return Path(settings.BASE_DIR) / "backups" / f"transform-tracker-{stamp}.{suffix}"


def backup(path=None, *, database=None):
    """Writes a backup of the database and returns its path."""
    database = database or connection.settings_dict
    vendor = connection.vendor
    path = Path(path or default_path(vendor))
    path.parent.mkdir(parents=True, exist_ok=True)
    if vendor == "postgresql":
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={path}",
            ],
            env=_pg_env(database),
        )
    elif vendor == "sqlite":
        source = sqlite3.connect(database["NAME"])
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        raise BackupError(f"No backup for {vendor} databases.")
    return path


def _settle_kept_rows(restored):
    from django.db.migrations.recorder import MigrationRecorder

    from .budget_lines import LINES, settle
    from .summaries import SUMMARIES

    applied = MigrationRecorder(restored).applied_migrations()
    tables = restored.introspection.table_names()
    kept = zip(KEPT_TABLE_MIGRATIONS, (LINES, SUMMARIES), strict=True)
    with restored.cursor() as cursor:
        for migration, table in kept:
            if migration not in applied and table in tables:
                cursor.execute(f"DROP TABLE {restored.ops.quote_name(table)}")
    settle(restored)


def restore(path, *, database=None):
    """Replaces the database's contents with a backup's, in one transaction."""
    own = database is None
    database = database or connection.settings_dict
    path = Path(path)
    if not path.exists():
        raise BackupError(f"{path} does not exist.")
    connection.close()
    if connection.vendor == "postgresql":
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={database['NAME']}",
                str(path),
            ],
            env=_pg_env(database),
        )
    elif connection.vendor == "sqlite":
        source = sqlite3.connect(path)
        target = sqlite3.connect(database["NAME"])
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        raise BackupError(f"No restore for {connection.vendor} databases.")
    # A backup from before the kept budget lines or programme summaries has no
    # table for them (the old one, which pg_restore --clean does not drop, is
    # dropped; `migrate` makes it again); from after, they are made again from the
    # restored figures and ratings.
    if own:
        _settle_kept_rows(connection)
        # The restored version token may key figures cached before the restore
        # from newer data: move it, so every server reads the restored ones afresh.
        bump()
