"""Serializers of the payment and revenue endpoints (``/api/v1/payments/``, ``/api/v1/revenue/``)."""

from __future__ import annotations

from rest_framework import serializers

from organizations.api.people import PersonField, WithPeopleSerializer
from organizations.enums import PaymentStatus

from .. import services
from ..models import Payment, PayoutStatus, RevenueTransaction

STATUS_HELP = "pending, completed, failed or refunded (the payment_status enum)."


class PaymentCreateSerializer(serializers.Serializer):
    """What the caller buys. The amount and currency are the server's (the item's price), never the client's."""

    payment_type = serializers.ChoiceField(choices=list(services.PAYABLE_TYPES))
    item_id = serializers.UUIDField(help_text="The course, workshop, consultation or engagement request.")


class PaymentSerializer(serializers.ModelSerializer):
    """A payment as its payer (or their org admin, or a platform admin) reads it. ``transaction_id`` is the
    provider's intent id, which the provider's events name."""

    item_id = serializers.UUIDField(source="related_entity_id", read_only=True, allow_null=True)
    # Not a ChoiceField: the OpenAPI enum named after "status" would collide with the other "status" enums.
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    failure_code = serializers.SerializerMethodField()
    failure_message = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = ["id", "payment_type", "item_id", "course", "workshop", "consultation", "engagement_request",
                  "amount", "currency", "status", "provider", "provider_status", "transaction_id",
                  "refund_amount", "refund_reason", "refunded_at", "processed_at", "failure_code",
                  "failure_message", "organization", "created_at", "updated_at"]
        read_only_fields = fields

    def get_failure_code(self, payment: Payment) -> str | None:
        return (payment.metadata or {}).get("failure_code") or None

    def get_failure_message(self, payment: Payment) -> str | None:
        return (payment.metadata or {}).get("failure_message") or None


class PaymentHistorySerializer(serializers.Serializer):
    """One row of ``get_user_payment_history`` (amount as charged, before any refund), with the item id."""

    id = serializers.UUIDField()
    payment_type = serializers.CharField()
    item_id = serializers.UUIDField(allow_null=True)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    status = serializers.CharField(help_text=STATUS_HELP)
    refund_amount = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    processed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class WebhookEventObjectSerializer(serializers.Serializer):
    """The Stripe-shaped object: a PaymentIntent (``id`` is the payment's ``transaction_id``; ``amount`` or
    ``amount_received`` in minor units; ``last_payment_error``) or, for ``charge.refunded``, a Charge
    (``payment_intent``; ``amount_refunded``, cumulative, minor units; ``refunds.data[0].reason``)."""

    id = serializers.CharField(required=False)
    payment_intent = serializers.CharField(required=False)
    amount = serializers.IntegerField(required=False, min_value=0)
    amount_received = serializers.IntegerField(required=False, min_value=0)
    amount_refunded = serializers.IntegerField(required=False, min_value=0)
    currency = serializers.CharField(required=False, help_text="Lower or upper case: usd.")
    status = serializers.CharField(required=False)


class WebhookEventDataSerializer(serializers.Serializer):
    object = WebhookEventObjectSerializer()


class WebhookEventSerializer(serializers.Serializer):
    """A provider event (documentation only: the view reads the raw, signed body)."""

    id = serializers.CharField(help_text="The provider's event id (evt_...): each is applied once.")
    type = serializers.ChoiceField(choices=list(services.HANDLED_EVENTS),
                                   help_text="Other types are acknowledged and ignored.")
    data = WebhookEventDataSerializer()


class WebhookResultSerializer(serializers.Serializer):
    event_id = serializers.CharField()
    result = serializers.ChoiceField(
        choices=[services.PROCESSED, services.UNCHANGED, services.DUPLICATE, services.IGNORED],
        help_text="processed: the payment changed; unchanged: acknowledged, nothing to change (a stale or replayed "
                  "state); duplicate: this event id was applied before; ignored: unknown payment or event type.")
    payment_id = serializers.UUIDField(allow_null=True)
    payment_status = serializers.ChoiceField(choices=PaymentStatus.choices, allow_null=True)
    detail = serializers.CharField()


class RevenueTransactionSerializer(WithPeopleSerializer):
    """A revenue row of the caller: a sale, or a refund with negative amounts."""

    student = PersonField(source="student_id")
    payout_status = serializers.ChoiceField(choices=PayoutStatus.choices, read_only=True, allow_null=True)

    class Meta(WithPeopleSerializer.Meta):
        model = RevenueTransaction
        fields = ["id", "transaction_type", "amount", "currency", "platform_fee_percentage", "platform_fee_amount",
                  "instructor_earnings", "course", "workshop", "consultation", "engagement_request", "payment",
                  "student", "payout_status", "payout_date", "transaction_date"]
        read_only_fields = fields


class PayoutSerializer(serializers.Serializer):
    """One payout batch of the caller's revenue in one currency (``payout_id`` null: not paid out yet)."""

    payout_id = serializers.UUIDField(allow_null=True)
    payout_status = serializers.ChoiceField(choices=PayoutStatus.choices, allow_null=True)
    payout_date = serializers.DateTimeField(allow_null=True)
    currency = serializers.CharField()
    transaction_count = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Net of refunds.")
    platform_fees = serializers.DecimalField(max_digits=12, decimal_places=2)
    earnings = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="The instructor's share.")
