from django.urls import path

from . import views

urlpatterns = [
    path("certificates/", views.CertificateListApi.as_view(), name="certificates"),
    path("certificates/verify/<str:number>/", views.CertificateVerifyApi.as_view(), name="certificate-verify"),
    path("certificates/<uuid:pk>/", views.CertificateDetailApi.as_view(), name="certificate-detail"),
]
