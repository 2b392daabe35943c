"""``python manage.py seed``: the small demo data set, each app's slice in turn, idempotent.

Each app's ``seed.py`` writes its own slice (``seed_demo``); ``--scale N`` loads benchmark volumes
instead (each app's ``seed_scale``). This command only orders the apps and reports what each created.
It runs as the database owner, like every operator command (conventions §1).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from humanglue.seeding import seed_demo, seed_scale
from organizations.seed import DEMO_LOGINS, DEMO_PASSWORD

# Dependency order: each slice finds the rows it points at in the slices before it (people first, then
# the catalog, then what is sold or booked from it; certificates and notifications last).
SEED_APPS: tuple[str, ...] = (
    "organizations", "instructors", "workshops", "assessments", "talent", "payments", "notifications",
)


class Command(BaseCommand):
    help = ("Write the small demo data set (about 270 rows across the 29 contract tables) where it is missing, "
            "and print the demo logins. A second run changes nothing. --scale N loads benchmark volumes.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=None, metavar="N",
                            help="load benchmark volumes (N units) through COPY instead of the small data set")

    def handle(self, *args: Any, **options: Any) -> None:
        self._require_migrated()
        if options["scale"] is not None:
            seed_scale(SEED_APPS, options["scale"], self.stdout)
            return
        self.stdout.write("Seeding the small demo data set")
        created = seed_demo(SEED_APPS, self.stdout)
        total = sum(sum(counts.values()) for counts in created.values())
        if total == 0:
            self.stdout.write(self.style.SUCCESS("already seeded: nothing to do (0 rows created)"))
        else:
            self._print_created(created, total)
            self.stdout.write(self.style.SUCCESS(f"seeded: {total} rows created"))
        self._print_logins()

    def _print_created(self, created: dict[str, dict[str, int]], total: int) -> None:
        """Per app, the rows its slice created in each table (the triggers' rows included)."""
        app_width = max(len("app"), *(len(label) for label in created))
        table_width = max(len(table) for counts in created.values() for table in counts)
        self.stdout.write(f"{'app'.ljust(app_width)}  {'table'.ljust(table_width)}  created")
        for label, counts in created.items():
            for table, count in counts.items():
                if count:
                    self.stdout.write(f"{label.ljust(app_width)}  {table.ljust(table_width)}  {count:7d}")
        self.stdout.write(f"{'total'.ljust(app_width + 2 + table_width)}  {total:7d}")

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
