"""``/api/v1/revenue/``: the caller's revenue rows (instructors and experts: sales and negative refund rows,
written only by the payments trigger) and their payouts summary. Scoped to the caller; RLS
(``revenue_transactions_select_instructor``) is the safety net. Anyone else gets empty lists."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.filters import OrderingFilter

from .. import selectors
from . import payment_serializers as s
from .filters import RevenueFilter

TAGS = ["revenue"]


@extend_schema_view(get=extend_schema(tags=TAGS, summary="My revenue rows (instructors and experts)"))
class RevenueListApi(generics.ListAPIView):
    """Newest first; a refund is its own row with negative amounts, so sums are net of refunds."""

    serializer_class = s.RevenueTransactionSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = RevenueFilter
    ordering_fields = ["transaction_date", "amount"]
    ordering = ["-transaction_date", "-id"]

    def get_queryset(self) -> QuerySet:
        return selectors.revenue_rows(instructor_id=self.request.user.pk)


@extend_schema_view(get=extend_schema(tags=TAGS, summary="My payouts summary",
                                      description="The caller's revenue grouped by payout batch and currency: "
                                                  "the batch with a null payout_id is what has not been paid out "
                                                  "yet. Filters as on the revenue list."))
class PayoutListApi(generics.ListAPIView):
    serializer_class = s.PayoutSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RevenueFilter

    def get_queryset(self) -> QuerySet:
        return selectors.revenue_rows(instructor_id=self.request.user.pk)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Filter the rows first, then group them.
        return selectors.payout_summary(rows=super().filter_queryset(queryset))
