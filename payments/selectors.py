"""Reads of the payments app: the caller's payment history (``get_user_payment_history``), their revenue rows
and payouts summary. Each read is scoped to the caller although RLS would narrow it anyway (clarity, index
use); RLS stays the safety net."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import Count, DecimalField, Max, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from .models import Payment, RevenueTransaction

HISTORY_COLUMNS = ("id", "amount", "currency", "payment_type", "status", "created_at", "item_id", "refund_amount",
                   "processed_at")


@dataclass
class PaymentHistoryRows:
    """The caller's payments as ``get_user_payment_history`` returns them (newest first), plus the item id and
    the refund, as a lazily sliced sequence for Django's paginator: a page is cut by the function itself
    (``p_limit``/``p_offset``) and ``count()`` counts the caller's payments under RLS (the function gives no
    total)."""

    user_id: UUID

    def count(self) -> int:
        return Payment.objects.filter(user_id=self.user_id).count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        offset = window.start or 0
        limit = (window.stop - offset) if window.stop is not None else None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT h.payment_id, h.amount, h.currency, h.payment_type, h.status, h.created_at, "
                "p.related_entity_id, p.refund_amount, p.processed_at "
                "FROM public.get_user_payment_history(%s, %s, %s) WITH ORDINALITY h "
                "JOIN public.payments p ON p.id = h.payment_id ORDER BY h.ordinality",
                [self.user_id, limit, offset])
            return [dict(zip(HISTORY_COLUMNS, row, strict=True)) for row in cursor.fetchall()]


def payment_history(*, user_id: UUID) -> PaymentHistoryRows:
    return PaymentHistoryRows(user_id=user_id)


def revenue_rows(*, instructor_id: UUID) -> QuerySet[RevenueTransaction]:
    """The caller's revenue rows, sales and (negative) refunds, newest first."""
    return RevenueTransaction.objects.filter(instructor_id=instructor_id).order_by("-transaction_date", "-id")


MONEY = DecimalField(max_digits=12, decimal_places=2)


def _sum(column: str) -> Coalesce:
    return Coalesce(Sum(column), Value(0), output_field=MONEY)


def payout_summary(*, rows: QuerySet[RevenueTransaction]) -> QuerySet:
    """``rows`` grouped by payout batch (``payout_id``; NULL: not paid out yet) and currency: counts and sums,
    refunds netted. Batches without a payout date (the unpaid group) come first, then the newest."""
    return (rows.order_by()
            .values("payout_id", "payout_status", "currency")
            .annotate(transaction_count=Count("id"), payout_date=Max("payout_date"), amount=_sum("amount"),
                      platform_fees=_sum("platform_fee_amount"), earnings=_sum("instructor_earnings"))
            .order_by("-payout_date", "payout_status", "currency", "payout_id"))
