from django.urls import path

from . import payments, revenue, views

urlpatterns = [
    path("certificates/", views.CertificateListApi.as_view(), name="certificates"),
    path("certificates/verify/<str:number>/", views.CertificateVerifyApi.as_view(), name="certificate-verify"),
    path("certificates/<uuid:pk>/", views.CertificateDetailApi.as_view(), name="certificate-detail"),
    path("payments/", payments.PaymentListCreateApi.as_view(), name="payments"),
    path("payments/webhook/", payments.PaymentWebhookApi.as_view(), name="payment-webhook"),
    path("payments/<uuid:pk>/", payments.PaymentDetailApi.as_view(), name="payment-detail"),
    path("revenue/", revenue.RevenueListApi.as_view(), name="revenue"),
    path("revenue/payouts/", revenue.PayoutListApi.as_view(), name="revenue-payouts"),
]
