from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table

from humanglue.health.report import health_report


class Command(BaseCommand):
    help = ("Database reachable, migrations applied, the app role present, row counts of the main tables, "
            "listener status. Exit code 0 when healthy, 1 otherwise.")
    requires_system_checks: list = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON document")

    def handle(self, *args: Any, **options: Any) -> None:
        report = health_report(row_counts=True)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self._print(report)
        if report["status"] != "ok":
            raise SystemExit(1)

    def _print(self, report: dict) -> None:
        db = report["database"]
        console = Console(file=self.stdout, width=100)
        table = Table(title="HumanGlue health", show_header=False)
        table.add_column("check")
        table.add_column("result")
        table.add_row("database", f"reachable, PostgreSQL {db['server_version']}" if db["reachable"]
                      else f"UNREACHABLE ({db.get('error', 'no answer')})")
        if db["reachable"]:
            pending = db["unapplied_migrations"]
            table.add_row("migrations", "all applied" if pending == [] else
                          (f"{len(pending)} unapplied: {', '.join(pending[:5])}" if pending else
                           f"unknown ({db.get('error', '')})"))
            table.add_row("app role", "humanglue_app present" if db["app_role"] else "humanglue_app MISSING")
            for name, count in (db.get("row_counts") or {}).items():
                table.add_row(f"rows: {name}", "table missing" if count is None else f"{count:,}")
        table.add_row("realtime listener", _listener_line(report["listener"]))
        console.print(table)
        console.print("[bold green]healthy[/]" if report["status"] == "ok" else "[bold red]unhealthy[/]")


def _listener_line(listener: dict) -> str:
    """Status, this process's listener (the command runs none), sessions, leader and NOTIFY queue use."""
    parts = [listener["status"]]
    process = listener.get("process")
    if process:
        parts.append(f"{'connected' if process['connected'] else 'DISCONNECTED'}, {process['role']}, last tick "
                     f"{process['last_tick_age_seconds']}s ago")
    if listener.get("sessions") is not None:
        parts.append(f"{listener['sessions']} listener session(s), leader "
                     f"{'elected' if listener['leader_elected'] else 'none'}, NOTIFY queue "
                     f"{listener['notification_queue_usage']:.1%}")
    if listener.get("error"):
        parts.append(listener["error"])
    return "; ".join(parts)
