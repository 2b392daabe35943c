"""``/api/v1/users/``: the users the caller may see (RLS decides: themself, co-members, their students
and instructors; everyone for a platform admin)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics

from ..models import User
from . import filters
from . import serializers as s


@extend_schema(tags=["users"])
class UserListView(generics.ListAPIView):
    """The users the caller may see, by e-mail; filter by organization (its members), role, status, or
    search a name or an e-mail address."""

    serializer_class = s.UserSerializer
    filterset_class = filters.UserFilter
    search_fields = ["full_name", "email"]
    ordering_fields = ["email"]
    ordering = ["email"]

    def get_queryset(self) -> QuerySet[User]:
        return User.objects.order_by("email")


@extend_schema(tags=["users"], parameters=[
    OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The user.")])
class UserDetailView(generics.RetrieveAPIView):
    """A user the caller may see (404 otherwise)."""

    serializer_class = s.UserSerializer
    queryset = User.objects.all()
