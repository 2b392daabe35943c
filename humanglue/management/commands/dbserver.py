from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from humanglue.embedded import server


class Command(BaseCommand):
    help = "Status, start or stop the embedded PostgreSQL server (used when DATABASE_URL is unset)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "start", "stop"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        data_dir = Path(settings.EMBEDDED_POSTGRES_DATA_DIR)
        if not settings.USING_EMBEDDED_POSTGRES:
            self.stdout.write(
                self.style.WARNING("DATABASE_URL is set: the embedded server is not used by this configuration.")
            )
        if action == "status":
            info = server.running_server(data_dir)
            if info is None:
                self.stdout.write(f"stopped (data folder {data_dir})")
                raise SystemExit(3)  # like pg_ctl status: 3 = not running
            self.stdout.write(f"running: pid {info.pid}, socket {info.socket_dir}, port {info.port}")
        elif action == "start":
            try:
                info = server.ensure_server(data_dir)
                server.ensure_database(info, settings.EMBEDDED_POSTGRES_DATABASE)
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                self.style.SUCCESS(f"running: pid {info.pid}, socket {info.socket_dir}, port {info.port}, "
                                   f"database {settings.EMBEDDED_POSTGRES_DATABASE}")
            )
        else:
            if server.stop_server(data_dir):
                self.stdout.write(self.style.SUCCESS("stopped"))
            else:
                self.stdout.write("was not running")
