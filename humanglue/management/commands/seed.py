"""``python manage.py seed``: the small demo data set (``humanglue.seed_small``), idempotent.

``--scale N`` loads benchmark volumes instead (``humanglue.seed_scale``). The command runs as the
database owner, like every operator command (conventions §1).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from humanglue.seed_small import DEMO_LOGINS, DEMO_PASSWORD, seed_small


class Command(BaseCommand):
    help = ("Write the small demo data set (about 270 rows across the 29 contract tables) where it is missing, "
            "and print the demo logins. A second run changes nothing. --scale N loads benchmark volumes.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=None, metavar="N",
                            help="load benchmark volumes (N units) through COPY instead of the small data set")

    def handle(self, *args: Any, **options: Any) -> None:
        self._require_migrated()
        if options["scale"] is not None:
            self._seed_scale(options["scale"])
            return
        self.stdout.write("Seeding the small demo data set")
        created = seed_small(self.stdout)
        total = sum(created.values())
        if total == 0:
            self.stdout.write(self.style.SUCCESS("already seeded: nothing to do (0 rows created)"))
        else:
            width = max(len(table) for table in created)
            self.stdout.write(f"{'table'.ljust(width)}  created")
            for table, count in created.items():
                self.stdout.write(f"{table.ljust(width)}  {count:7d}")
            self.stdout.write(f"{'total'.ljust(width)}  {total:7d}")
            self.stdout.write(self.style.SUCCESS(f"seeded: {total} rows created"))
        self._print_logins()

    def _seed_scale(self, units: int) -> None:
        try:
            module = import_module("humanglue.seed_scale")
        except ModuleNotFoundError as exc:
            raise CommandError("seed --scale is not available in this build") from exc
        module.seed_scale(units, self.stdout)

    def _print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        width = max(len(label) for label, _ in DEMO_LOGINS)
        for label, email in DEMO_LOGINS:
            self.stdout.write(f"  {label.ljust(width)}  {email}")

    @staticmethod
    def _require_migrated() -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("the database has unapplied migrations: run `python manage.py migrate` first")
