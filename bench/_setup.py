"""Shared set-up for the benchmarks: a dedicated, migrated database (never the development one)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("HUMANGLUE_BENCH_DB", "humanglue_bench")


def setup_django(db_name: str = BENCH_DB) -> None:
    """Point Django at ``db_name`` (on the embedded server or the DATABASE_URL server), create and migrate it."""
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "humanglue.settings")
    url = os.environ.get("DATABASE_URL")
    if url:
        parts = urlsplit(url)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{db_name}"))
        _create_on_server(urlunsplit(parts._replace(path="/postgres")), db_name)
    else:
        os.environ["HUMANGLUE_DB_NAME"] = db_name  # the embedded backend creates it on first use
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_on_server(maintenance_url: str, db_name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
