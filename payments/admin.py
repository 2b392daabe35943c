"""Admin for payments, certificates and revenue rows (spec 60). Trigger-set columns are read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from humanglue.admin.base import ContractModelAdmin
from humanglue.admin.forms import GroupedFormMixin

from .models import Certificate, Payment, RevenueTransaction


@admin.register(Payment)
class PaymentAdmin(GroupedFormMixin, ContractModelAdmin):
    list_display = ["__str__", "user", "payment_type", "amount", "currency", "status", "provider", "refund_amount",
                    "created_at"]
    list_filter = ["status", "payment_type", "provider", "organization"]
    search_fields = ["transaction_id", "invoice_number", "user__email"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["organization", "course", "workshop", "consultation", "engagement_request"]
    list_select_related = ["user"]
    readonly_fields = ["related_entity_id", "refunded_at", "processed_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("user", "organization", "payment_type", "status")}),
        ("Amount", {"fields": ("amount", "currency", "refund_amount", "refund_reason")}),
        ("Paid for", {"fields": ("course", "workshop", "consultation", "engagement_request")}),
        ("Provider", {"fields": ("payment_method", "provider", "transaction_id", "provider_customer_id",
                                 "provider_status")}),
        ("Invoice", {"fields": ("invoice_number", "invoice_url", "metadata")}),
        # related_entity_id repeats the "paid for" row's key: left out.
        ("Kept by the database", {"fields": ("processed_at", "refunded_at", "created_at", "updated_at")}),
    )


@admin.register(Certificate)
class CertificateAdmin(ContractModelAdmin):
    list_display = ["certificate_number", "title", "user", "certificate_type", "issue_date", "expiry_date",
                    "is_verified"]
    list_filter = ["certificate_type", "is_verified"]
    search_fields = ["certificate_number", "title", "user__email", "issuer_name"]
    raw_id_fields = ["user", "issued_by"]
    autocomplete_fields = ["course", "workshop", "assessment"]
    list_select_related = ["user"]
    readonly_fields = ["certificate_number", "created_at", "updated_at"]
    date_hierarchy = "issue_date"


@admin.register(RevenueTransaction)
class RevenueTransactionAdmin(ContractModelAdmin):
    """Read-only: rows come only from record_payment_revenue(); the API role has SELECT only (conventions §1, §6)."""

    list_display = ["transaction_date", "instructor", "student", "transaction_type", "amount", "platform_fee_amount",
                    "instructor_earnings", "currency", "payout_status"]
    list_filter = ["transaction_type", "payout_status", "payment_status"]
    search_fields = ["instructor__email", "student__email", "payment_provider_transaction_id"]
    raw_id_fields = ["instructor", "student", "course", "workshop", "enrollment", "workshop_registration", "payment",
                     "consultation", "engagement_request"]
    list_select_related = ["instructor", "student"]
    date_hierarchy = "transaction_date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
