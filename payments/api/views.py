"""``/api/v1/certificates/``: the caller's certificates, issuing one for a completed source, and the public
verification of a certificate number."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services
from ..models import Certificate
from . import serializers as s
from .filters import CertificateFilter

VERIFY_COLUMNS = ("certificate_number", "title", "certificate_type", "holder_name", "issue_date", "expiry_date",
                  "issuer_name")
MAX_NUMBER = 100


class Refused(exceptions.APIException):
    def __init__(self, error: services.CertificateRefused) -> None:
        self.status_code = error.status
        super().__init__(detail=error.message, code=error.code)


@extend_schema(tags=["certificates"])
class CertificateListApi(generics.ListCreateAPIView):
    """The caller's certificates, newest first; and issuing one (the course or workshop instructor, or a
    platform admin, to a holder who completed the source)."""

    serializer_class = s.CertificateSerializer
    filterset_class = CertificateFilter
    ordering_fields = ["issue_date"]
    ordering = ["-issue_date", "-created_at"]

    def get_queryset(self) -> QuerySet[Certificate]:
        return Certificate.objects.filter(user_id=self.request.user.pk)

    @extend_schema(request=s.CertificateIssueSerializer, responses={201: s.CertificateSerializer})
    def post(self, request: Request) -> Response:
        form = s.CertificateIssueSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        sources = {f"{name}_id": data.pop(name, None) for name in ("user", "course", "workshop", "assessment")}
        try:
            certificate = services.certificate_issue(issuer_id=request.user.pk, **sources, **data)
        except services.CertificateRefused as error:
            raise Refused(error) from error
        return Response(s.CertificateSerializer(certificate).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["certificates"])
class CertificateDetailApi(generics.RetrieveAPIView):
    """One of the caller's certificates (a platform admin: any)."""

    serializer_class = s.CertificateSerializer
    queryset = Certificate.objects.all()


@extend_schema(tags=["certificates"])
class CertificateVerifyApi(APIView):
    """Public check of a certificate number: the answer of ``verify_certificate`` for a verified certificate,
    404 for anything else (unknown and unverified are not told apart)."""

    authentication_classes: list = []  # public: a stale token must not turn this into a 401
    permission_classes = [AllowAny]

    @extend_schema(responses={200: s.VerifiedCertificateSerializer}, auth=[],
                   parameters=[OpenApiParameter("number", str, OpenApiParameter.PATH,
                                                description="A certificate number: CERT-CRS-20251004-3F9A0C7B21DE")])
    def get(self, request: Request, number: str) -> Response:
        row = None
        if len(number) <= MAX_NUMBER:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {', '.join(VERIFY_COLUMNS)} FROM public.verify_certificate(%s)", [number])
                row = cursor.fetchone()
        if row is None:
            raise exceptions.NotFound("No verified certificate has this number.")
        return Response(s.VerifiedCertificateSerializer(dict(zip(VERIFY_COLUMNS, row, strict=True))).data)


