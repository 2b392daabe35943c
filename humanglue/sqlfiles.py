"""Helpers that migrations use to load the SQL kept in each app's ``sql/`` folder.

A ``sql/`` file that a landed migration loads is frozen like the migration itself: a change is a new
file loaded by a new migration.
"""

from __future__ import annotations

from pathlib import Path

from django.db import migrations

PROJECT_DIR = Path(__file__).resolve().parent.parent


def read_sql(app_label: str, filename: str) -> str:
    return (PROJECT_DIR / app_label / "sql" / filename).read_text(encoding="utf-8")


def run_sql_file(app_label: str, forward: str, reverse: str | None = None) -> migrations.RunSQL:
    """A RunSQL that executes ``forward`` (and ``reverse`` when unapplied) as one statement batch each.

    Each file goes to the server in one piece (a list of one item), so dollar-quoted function bodies
    are never split by Django's statement splitter.
    """
    reverse_sql = [read_sql(app_label, reverse)] if reverse else migrations.RunSQL.noop
    return migrations.RunSQL([read_sql(app_label, forward)], reverse_sql)
