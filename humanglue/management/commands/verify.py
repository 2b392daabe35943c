from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from rich.console import Console
from rich.table import Table

from humanglue.contract.checks import as_json, run_checks


class Command(BaseCommand):
    help = ("Check the live database against the contract (tables, columns, enums, functions, triggers, "
            "views, indexes, uniques, policies, RLS, the app role and its grants, realtime triggers) and every "
            "definition against what the last migrate installed. Exit code 0 only "
            "when everything matches.")
    requires_system_checks: list = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
        parser.add_argument("--all", action="store_true", help="list every check, not only the problems")

    def handle(self, *args: Any, **options: Any) -> None:
        checks, totals = run_checks(connection)
        report = as_json(checks, totals)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self._print(checks, report, show_all=options["all"])
        if not report["ok"]:
            raise SystemExit(1)

    def _print(self, checks: list, report: dict, show_all: bool) -> None:
        console = Console(file=self.stdout, width=120)
        totals = Table(title="Contract objects")
        for column in ("object", "live", "contract", "seed minimum", ""):
            totals.add_column(column, justify="right" if column not in ("object", "") else "left")
        for kind, row in report["totals"].items():
            mark = "ok" if row["live"] >= row["contract"] else "MISSING"
            totals.add_row(kind, str(row["live"]), str(row["contract"]), f"{row['seed_minimum']}+", mark)
        console.print(totals)

        summary = Table(title="Checks by kind")
        for column in ("kind", "ok", "missing", "different"):
            summary.add_column(column, justify="right" if column != "kind" else "left")
        for kind, counts in report["summary"].items():
            summary.add_row(kind, str(counts.get("ok", 0)), str(counts.get("missing", 0)),
                            str(counts.get("different", 0)))
        console.print(summary)

        rows = checks if show_all else [c for c in checks if c.status != "ok"]
        if rows:
            detail = Table(title="Every check" if show_all else "Problems")
            for column in ("kind", "object", "status", "detail"):
                detail.add_column(column)
            for check in rows:
                detail.add_row(check.kind, check.name, check.status, check.detail)
            console.print(detail)
        console.print("[bold green]verify: the database matches the contract[/]" if report["ok"]
                      else f"[bold red]verify: {len(report['problems'])} problem(s)[/]")
