"""``/api/v1/payments/``: opening a pending payment for an item (priced by the server; ``Idempotency-Key``
replays), my payment history, one payment, and the provider's signed webhook.

The webhook is the trusted path of spec 60 "Payment flow": unauthenticated, it verifies an HMAC-SHA256
signature over the raw body (header ``X-HumanGlue-Signature: t=<unix>,v1=<hex>``, see
``payments.services.verify_signature``) and then completes, fails or refunds the payment through the payments
services, in system context, once per provider event id.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from humanglue.api.schema import ClientErrorResponseSerializer

from .. import selectors, services
from ..models import Payment
from . import payment_serializers as s

TAGS = ["payments"]
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_IDEMPOTENCY_KEY = 255

IDEMPOTENCY_KEY_DOC = OpenApiParameter(
    IDEMPOTENCY_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="A unique key per intended payment (1-255 printable ASCII characters, e.g. a UUID). A retry "
                "with the same key and body gets the first successful answer again (same status and body, "
                f"header `{REPLAYED_HEADER}: true`) and creates nothing; the same key with another body "
                "answers 409 `idempotency_key_reused`. Refused requests are not remembered.")


class Refused(exceptions.APIException):
    def __init__(self, error: services.PaymentRefused) -> None:
        self.status_code = error.status
        super().__init__(detail=error.message, code=error.code)


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not (0 < len(key) <= MAX_IDEMPOTENCY_KEY and key.isascii() and key.isprintable()):
        raise exceptions.ValidationError(
            {IDEMPOTENCY_HEADER: [exceptions.ErrorDetail(
                f"Give 1 to {MAX_IDEMPOTENCY_KEY} printable ASCII characters.", code="invalid")]})
    return key


class PaymentListCreateApi(generics.GenericAPIView):
    """My payment history (``get_user_payment_history``: newest first, the amount as charged), and opening a
    pending payment."""

    serializer_class = s.PaymentHistorySerializer
    filter_backends: list = []

    @extend_schema(tags=TAGS, summary="My payment history", responses={200: s.PaymentHistorySerializer(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.payment_history(user_id=request.user.pk))
        return self.get_paginated_response(s.PaymentHistorySerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS, summary="Open (or reuse) my pending payment for an item",
        description="The amount is the server's: the course price; the price agreed on the caller's held workshop "
                    "registration (early bird included); the consultation's amount; hours_total x hourly_rate of an "
                    "accepted engagement. An open (pending) attempt for the same item is returned as it is (200) "
                    "instead of a new one (201). `transaction_id` is the provider intent id the provider's events "
                    "name. Refusals: 404 item not visible; 403 `not_your_consultation` / `not_your_engagement`; "
                    "409 `item_free`, `course_not_published`, `already_enrolled`, `already_paid`, "
                    "`no_held_registration`, `consultation_not_payable`, `engagement_not_accepted`, "
                    "`idempotency_key_reused`.",
        parameters=[IDEMPOTENCY_KEY_DOC], request=s.PaymentCreateSerializer,
        responses={201: s.PaymentSerializer, 200: s.PaymentSerializer})
    def post(self, request: Request) -> Response:
        key = _idempotency_key(request)
        form = s.PaymentCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        fingerprint = services.request_fingerprint(request.data)
        try:
            if key is not None:
                replay = services.idempotent_answer(user_id=request.user.pk, key=key, fingerprint=fingerprint)
                if replay is not None:
                    return Response(replay[1], status=replay[0], headers={REPLAYED_HEADER: "true"})
            payment, created = services.payment_create(user=request.user, **form.validated_data)
        except services.PaymentRefused as error:
            raise Refused(error) from error
        body = s.PaymentSerializer(payment).data
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        if key is not None:
            services.idempotent_answer_store(user_id=request.user.pk, key=key, fingerprint=fingerprint,
                                             status=answer, body=body)
        return Response(body, status=answer)


@extend_schema(tags=TAGS, summary="One payment")
class PaymentDetailApi(generics.RetrieveAPIView):
    """A payment the caller may read: their own; their organization's as org admin; any as platform admin."""

    serializer_class = s.PaymentSerializer
    queryset = Payment.objects.all()


class PaymentWebhookApi(APIView):
    """The payment provider's events. Unauthenticated: the HMAC signature is the authentication."""

    authentication_classes: list = []  # a stale session or token must not turn an event into a 401
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS, summary="Payment provider webhook (signed events)", auth=[],
        description="Header `X-HumanGlue-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<raw body>\")>` "
                    "with the secret `PAYMENTS_WEBHOOK_SECRET`; the timestamp must be within 300 s of the server's "
                    "clock. Unsigned, badly signed or stale: 400 (`signature_missing`, `signature_invalid`, "
                    "`signature_expired`) and nothing changes. `payment_intent.succeeded` completes the payment "
                    "(and enrolls, confirms the workshop seat or activates the engagement in the same transaction), "
                    "`payment_intent.payment_failed` and `payment_intent.canceled` fail it, `charge.refunded` "
                    "records the cumulative refund. Each event id is applied once: the same event again answers "
                    "200 `duplicate`. An unknown payment or event type answers 200 `ignored` (nothing to retry). "
                    "A refund of a payment that has not completed yet answers 409 `payment_not_refundable` (the "
                    "provider retries it later); an amount or currency that differs from the payment's, 400 "
                    "`amount_mismatch`.",
        parameters=[OpenApiParameter(services.SIGNATURE_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER,
                                     required=False, description="t=<unix>,v1=<hex>")],
        request=s.WebhookEventSerializer,
        responses={200: s.WebhookResultSerializer,
                   503: OpenApiResponse(ClientErrorResponseSerializer,
                                        description="No webhook secret is configured (DEBUG off and "
                                                    "PAYMENTS_WEBHOOK_SECRET unset).")},
        examples=[OpenApiExample("succeeded", request_only=True, value={
            "id": "evt_1", "type": "payment_intent.succeeded",
            "data": {"object": {"id": "pi_0123456789abcdef01234567", "amount_received": 9900, "currency": "usd"}}})])
    def post(self, request: Request) -> Response:
        body = request.body  # the raw bytes the signature covers, before any parsing
        try:
            services.verify_signature(body, request.headers.get(services.SIGNATURE_HEADER),
                                      secret=services.webhook_secret())
            outcome = services.webhook_event_apply(services.parse_event(body))
        except services.PaymentRefused as error:
            raise Refused(error) from error
        payment = outcome.payment
        return Response(s.WebhookResultSerializer({
            "event_id": outcome.event_id, "result": outcome.result, "detail": outcome.detail,
            "payment_id": payment.pk if payment else None, "payment_status": payment.status if payment else None,
        }).data)
