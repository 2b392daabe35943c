"""``/api/v1/teams/``: a team (rename, nest, deactivate, delete) and its members (add, lead, remove).

Org admins and platform admins manage teams; a team's leads manage its members (spec 10 team_members
policies); anyone may leave a team. Writes go through ``organizations.services`` under the caller's rights.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from .. import services
from ..models import Team, TeamMember
from . import filters
from . import serializers as s
from .common import ServiceErrorsMixin

TEAM_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The team.")
USER_ID = OpenApiParameter("user_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The member.")


def visible_team(pk: object) -> Team:
    """The team if the caller may see it (a member of its organization, or a platform admin), else 404."""
    return get_object_or_404(Team.objects.all(), pk=pk)


@extend_schema(tags=["teams"], parameters=[TEAM_ID])
class TeamDetailView(ServiceErrorsMixin, generics.RetrieveUpdateDestroyAPIView):
    """A team: read it; its organization's admins rename, describe, nest, deactivate or delete it."""

    serializer_class = s.TeamSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self) -> Team:
        return visible_team(self.kwargs["pk"])

    def perform_update(self, serializer: s.TeamSerializer) -> None:
        serializer.instance = services.team_update(team=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance: Team) -> None:
        services.team_delete(team=instance)


@extend_schema(tags=["teams"], parameters=[TEAM_ID])
class TeamMemberListView(ServiceErrorsMixin, generics.ListCreateAPIView):
    """A team's members, leads first; org admins, platform admins and the team's leads add members."""

    serializer_class = s.TeamMemberSerializer
    filterset_class = filters.TeamMemberFilter
    ordering_fields = ["role", "joined_at"]

    def get_queryset(self) -> QuerySet[TeamMember]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no team
            return TeamMember.objects.none()
        team = visible_team(self.kwargs["pk"])
        return TeamMember.objects.filter(team=team).order_by("role", "joined_at", "id")

    @extend_schema(request=s.TeamMemberAddSerializer, responses={201: s.TeamMemberSerializer})
    def post(self, request: Request, pk: str) -> Response:
        team = visible_team(pk)
        form = s.TeamMemberAddSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        membership = services.team_member_add(team=team, user_id=form.validated_data["user"],
                                              role=form.validated_data["role"])
        return Response(s.TeamMemberSerializer(membership, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


@extend_schema(tags=["teams"], parameters=[TEAM_ID, USER_ID])
class TeamMemberDetailView(ServiceErrorsMixin, generics.GenericAPIView):
    """One member of a team: make them a lead or a member again, or remove them (anyone may leave)."""

    serializer_class = s.TeamMemberSerializer

    def get_object(self) -> TeamMember:
        team = visible_team(self.kwargs["pk"])
        return get_object_or_404(TeamMember.objects.all(), team=team, user_id=self.kwargs["user_id"])

    @extend_schema(responses={200: s.TeamMemberSerializer})
    def get(self, request: Request, pk: str, user_id: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=s.TeamMemberRoleSerializer, responses={200: s.TeamMemberSerializer})
    def patch(self, request: Request, pk: str, user_id: str) -> Response:
        membership = self.get_object()
        form = s.TeamMemberRoleSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        membership = services.team_member_update(membership=membership, role=form.validated_data["role"])
        return Response(self.get_serializer(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: str, user_id: str) -> Response:
        services.team_member_remove(membership=self.get_object(), caller_id=request.user.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
