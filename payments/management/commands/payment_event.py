"""Print (or post) a correctly signed, Stripe-shaped provider event for a payment, so a developer can drive the
payment flow locally without a provider account (README "Payments webhook")."""

from __future__ import annotations

import json
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from payments import services
from payments.models import Payment

TYPES = {"succeeded": services.EVENT_SUCCEEDED, "failed": services.EVENT_FAILED,
         "canceled": services.EVENT_CANCELED, "refunded": services.EVENT_REFUNDED}


def event_body(*, transaction_id: str, kind: str, amount: Decimal, currency: str, event_id: str,
               reason: str) -> dict[str, Any]:
    """The event for ``kind``; ``amount`` in major units (for ``refunded``: the cumulative refund)."""
    minor = services.amount_to_minor_units(amount, currency)
    if kind == "refunded":
        obj: dict[str, Any] = {"id": "ch_" + secrets.token_hex(12), "object": "charge",
                               "payment_intent": transaction_id, "amount_refunded": minor,
                               "currency": currency.lower(), "refunds": {"data": [{"reason": reason}]}}
    else:
        obj = {"id": transaction_id, "object": "payment_intent", "amount": minor, "currency": currency.lower(),
               "status": {"succeeded": "succeeded", "failed": "requires_payment_method",
                          "canceled": "canceled"}[kind]}
        if kind == "succeeded":
            obj["amount_received"] = minor
        elif kind == "failed":
            obj["last_payment_error"] = {"code": "card_declined", "message": "Your card was declined."}
        else:
            obj["cancellation_reason"] = "abandoned"
    return {"id": event_id, "object": "event", "type": TYPES[kind], "data": {"object": obj}}


class Command(BaseCommand):
    help = ("Print a signed test event of the payments webhook for a payment (its transaction id): the signature "
            "header on the first line, the exact body on the second. --post URL sends it and prints the answer.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("transaction_id", help="the payment's transaction_id (pi_...)")
        parser.add_argument("--type", dest="kind", choices=sorted(TYPES), required=True)
        parser.add_argument("--amount", help="major units, e.g. 99.00; default: the payment's amount (for "
                                             "refunded: the cumulative amount refunded so far)")
        parser.add_argument("--currency", help="default: the payment's currency")
        parser.add_argument("--event-id", help="default: a new evt_... id (repeat one to test replays)")
        parser.add_argument("--reason", default="requested_by_customer", help="refund reason")
        parser.add_argument("--secret", help="default: settings.PAYMENTS_WEBHOOK_SECRET")
        parser.add_argument("--timestamp", type=int, help="unix seconds to sign with (default: now)")
        parser.add_argument("--post", metavar="URL",
                            help="POST the event, e.g. http://127.0.0.1:8000/api/v1/payments/webhook/")

    def handle(self, *args: Any, **options: Any) -> None:
        secret = options["secret"] or services.webhook_secret()
        if not secret:
            raise CommandError("No webhook secret: set PAYMENTS_WEBHOOK_SECRET or pass --secret.")
        payment = Payment.objects.filter(transaction_id=options["transaction_id"]).first()
        try:
            amount = Decimal(options["amount"]) if options["amount"] else None
        except InvalidOperation as error:
            raise CommandError("--amount is a decimal number, e.g. 99.00") from error
        if payment is None and (amount is None or not options["currency"]):
            raise CommandError("No payment has this transaction id: give --amount and --currency to sign an "
                               "event for it anyway.")
        body = event_body(transaction_id=options["transaction_id"], kind=options["kind"],
                          amount=amount if amount is not None else payment.amount,
                          currency=(options["currency"] or payment.currency).upper(),
                          event_id=options["event_id"] or "evt_" + secrets.token_hex(12), reason=options["reason"])
        raw = json.dumps(body, separators=(",", ":")).encode()
        signature = services.sign_payload(raw, secret=secret, timestamp=options["timestamp"])
        if not options["post"]:
            self.stdout.write(f"{services.SIGNATURE_HEADER}: {signature}")
            self.stdout.write(raw.decode())
            return
        import httpx

        answer = httpx.post(options["post"], content=raw, timeout=30,
                            headers={"Content-Type": "application/json", services.SIGNATURE_HEADER: signature})
        self.stdout.write(f"{answer.status_code} {answer.text}")
        if answer.status_code >= 300:
            raise CommandError(f"the webhook answered {answer.status_code}")
