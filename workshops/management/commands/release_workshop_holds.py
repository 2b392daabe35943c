"""``manage.py release_workshop_holds [--older-than MINUTES]``: the payment-hold sweep (spec 50 §6.6, §10).

Runs on the owner's connection (system context, conventions §1): ``release_expired_workshop_holds()``
cancels every seat held for a payment (``registered`` + ``payment_status='pending'``) for longer than the
given age; the database's triggers give each freed seat to the first waitlisted registration. Schedule it,
for example every 5 minutes (cron, a systemd timer).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workshops.services import release_expired_holds

DEFAULT_MINUTES = 30


class Command(BaseCommand):
    help = "Cancel workshop payment holds older than --older-than minutes (default 30) and print how many."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, default=DEFAULT_MINUTES, metavar="MINUTES",
                            help=f"Age of a hold, in minutes, after which it is released (default {DEFAULT_MINUTES}).")

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["older_than"]
        if minutes < 1:
            raise CommandError("--older-than must be at least 1 minute.")
        released = release_expired_holds(older_than_minutes=minutes)
        self.stdout.write(f"Released {released} workshop hold(s) older than {minutes} minute(s).")
