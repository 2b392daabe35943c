"""``/api/v1/organizations/``: the caller's organizations, their members (list, invite, CSV import and
export) and their teams. Writes go through ``organizations.services`` under the caller's rights."""

from __future__ import annotations

import csv
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..models import Organization, Team, User
from . import filters
from . import serializers as s
from .common import ServiceErrorsMixin

ORG_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The organization.")


def visible_organization(pk: object) -> Organization:
    """The organization if the caller may see it (member or platform admin), else 404."""
    return get_object_or_404(Organization.objects.all(), pk=pk)


@extend_schema(tags=["organizations"])
class OrganizationListView(generics.ListAPIView):
    """The caller's organizations (every organization for a platform admin)."""

    serializer_class = s.OrganizationSerializer
    filterset_class = filters.OrganizationFilter
    search_fields = ["name"]
    ordering_fields = ["slug"]

    def get_queryset(self) -> QuerySet[Organization]:
        # organizations_select_member / organizations_admin_all: exactly "mine" (or all, for platform admins).
        return Organization.objects.all()


@extend_schema(tags=["organizations"], parameters=[ORG_ID])
class OrganizationDetailView(ServiceErrorsMixin, generics.RetrieveUpdateAPIView):
    """An organization; its org admins and platform admins change its profile (not its billing columns)."""

    serializer_class = s.OrganizationSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> Organization:
        return visible_organization(self.kwargs["pk"])

    def perform_update(self, serializer: s.OrganizationSerializer) -> None:
        serializer.instance = services.organization_update(organization=serializer.instance,
                                                           data=serializer.validated_data)


@extend_schema(tags=["organizations"], parameters=[ORG_ID])
class MemberListView(generics.ListAPIView):
    """The organization's members with their roles: users whose home it is and holders of an org grant."""

    serializer_class = s.MemberSerializer
    filterset_class = filters.MemberFilter
    search_fields = ["full_name", "email"]
    ordering_fields = ["email"]
    ordering = ["email"]

    def get_queryset(self) -> QuerySet[User]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no organization
            return User.objects.none()
        organization = visible_organization(self.kwargs["pk"])
        return selectors.organization_members(organization_id=organization.pk).order_by("email")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        grants = selectors.member_grants(organization_id=self.kwargs["pk"], user_ids=[u.pk for u in page])
        serializer = self.get_serializer(page, many=True, context={
            **self.get_serializer_context(), "organization_id": self.kwargs["pk"], "grants": grants})
        return self.get_paginated_response(serializer.data)


class MemberInviteView(ServiceErrorsMixin, APIView):
    """Invite a member: a new user of this organization with no password yet, who gets an e-mail with a
    link to set one. An address that already has an account answers 409 ``account_exists``."""

    @extend_schema(tags=["organizations"], parameters=[ORG_ID], request=s.MemberInviteSerializer,
                   responses={201: s.MemberSerializer})
    def post(self, request: Request, pk: str) -> Response:
        organization = visible_organization(pk)
        form = s.MemberInviteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = services.organization_member_invite(organization=organization, **form.validated_data)
        body = s.MemberSerializer(user, context={"organization_id": organization.pk, "grants": {}}).data
        return Response(body, status=status.HTTP_201_CREATED)


def _report(report: services.ImportReport) -> dict[str, Any]:
    return {"dry_run": report.dry_run, "created": report.count("created"), "exists": report.count("exists"),
            "errors": report.count("error"),
            "rows": [{"row": r.row, "email": r.email, "status": r.status, "errors": r.errors} for r in report.rows]}


class MemberImportView(ServiceErrorsMixin, APIView):
    """Import members from a CSV file (``email,full_name[,role]``), all or nothing, with a per-row report.

    With ``dry_run`` (field or ``?dry_run=1``) every row is checked and nothing is written. Without it,
    any row in error answers 400 with the same report (under ``report``) and nothing is written."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=["organizations"], request={"multipart/form-data": s.MemberImportSerializer},
                   parameters=[ORG_ID, OpenApiParameter("dry_run", OpenApiTypes.BOOL, description=(
                       "Validate every row and write nothing."))],
                   responses={200: s.ImportReportSerializer, 201: s.ImportReportSerializer})
    def post(self, request: Request, pk: str) -> Response:
        organization = visible_organization(pk)
        data = {key: request.data[key] for key in ("file", "dry_run") if key in request.data}
        if "dry_run" in request.query_params:
            data["dry_run"] = request.query_params["dry_run"]
        form = s.MemberImportSerializer(data=data)
        form.is_valid(raise_exception=True)
        dry_run = form.validated_data["dry_run"]
        content = form.validated_data["file"].read(services.IMPORT_MAX_BYTES + 1)  # one byte more: "too large"
        report = services.organization_members_import(organization=organization, content=content, dry_run=dry_run)
        body = _report(report)
        if not report.ok and not dry_run:
            # The API's error shape, with the report beside it; the middleware rolls everything back.
            return Response({"type": "validation_error", "errors": [{
                "code": "invalid_rows", "attr": "file",
                "detail": f"{body['errors']} row(s) have errors; nothing was imported."}], "report": body},
                status=status.HTTP_400_BAD_REQUEST)
        return Response(body, status=status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED)


# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class MemberExportView(generics.GenericAPIView):
    """The members the caller may see, as a CSV download (the members list's filters apply)."""

    filterset_class = filters.MemberFilter
    search_fields = ["full_name", "email"]
    ordering_fields = ["email"]
    pagination_class = None

    def get_queryset(self) -> QuerySet[User]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no organization
            return User.objects.none()
        organization = visible_organization(self.kwargs["pk"])
        return selectors.organization_members(organization_id=organization.pk).order_by("email")

    @extend_schema(tags=["organizations"], parameters=[
        ORG_ID,
        OpenApiParameter("role", OpenApiTypes.STR, enum=[r for r, _ in filters.MEMBER_ROLE_CHOICES]),
        OpenApiParameter("status", OpenApiTypes.STR, enum=[c for c, _ in User.Status.choices]),
        OpenApiParameter("search", OpenApiTypes.STR, description="Part of a name or an e-mail address."),
    ], responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV file")})
    def get(self, request: Request, pk: str) -> HttpResponse:
        organization = visible_organization(pk)
        users = list(self.filter_queryset(self.get_queryset()))
        grants = selectors.member_grants(organization_id=organization.pk, user_ids=[u.pk for u in users])
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{organization.slug}-members.csv"'
        writer = csv.writer(response)
        writer.writerow(["email", "full_name", "role", "grants", "status", "job_title", "department", "created_at"])
        for user in users:
            role = user.role if user.organization_id == organization.pk else ""
            writer.writerow([_cell(v) for v in (user.email, user.full_name, role, " ".join(grants.get(user.pk, [])),
                                                 user.status, user.job_title, user.department,
                                                 user.created_at.isoformat())])
        return response


@extend_schema(tags=["teams"], parameters=[ORG_ID])
class OrganizationTeamListView(ServiceErrorsMixin, generics.ListCreateAPIView):
    """The organization's active teams; its org admins and platform admins create teams."""

    serializer_class = s.TeamSerializer
    filterset_class = filters.TeamFilter
    search_fields = ["name"]
    ordering_fields = ["name"]

    def get_queryset(self) -> QuerySet[Team]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no organization
            return Team.objects.none()
        organization = visible_organization(self.kwargs["pk"])
        return Team.objects.filter(organization=organization, is_active=True)

    def perform_create(self, serializer: s.TeamSerializer) -> None:
        organization = visible_organization(self.kwargs["pk"])
        serializer.instance = services.team_create(organization=organization, **serializer.validated_data)
