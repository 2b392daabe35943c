"""``/api/v1/notifications/``: the caller's inbox, the unread badge, mark read, mark all read, delete.

Every query is scoped to the caller (RLS would let a platform admin act on any inbox; these endpoints are
"my notifications"), so another user's notification answers 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from humanglue.api.pagination import NewestFirstCursorPagination

from .. import selectors, services
from ..models import Notification
from . import serializers as s
from .filters import NotificationFilter

CURSOR_HEADER = "X-Realtime-Cursor"

CURSOR_HEADER_DOC = OpenApiParameter(
    CURSOR_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200],
    description="Resume cursor for /ws/realtime/, taken before the list was read: connect with it and no "
                "notification committed after this listing is missed.",
)


def own_notification(request: Request, pk: object) -> Notification:
    return get_object_or_404(selectors.notification_inbox(user_id=request.user.pk), pk=pk)


class NotificationListView(generics.ListAPIView):
    """The caller's notifications, newest first (expired ones hidden)."""

    serializer_class = s.NotificationSerializer
    pagination_class = NewestFirstCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = NotificationFilter

    def get_queryset(self) -> QuerySet[Notification]:
        return selectors.notification_inbox(user_id=self.request.user.pk)

    @extend_schema(parameters=[CURSOR_HEADER_DOC], tags=["notifications"])
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        cursor = selectors.realtime_cursor()  # before the list query (spec 40, "Resume")
        response = self.list(request, *args, **kwargs)
        response[CURSOR_HEADER] = cursor
        return response


class NotificationDetailView(APIView):
    """One of the caller's notifications: read it, mark it read or unread, delete it."""

    @extend_schema(responses={200: s.NotificationSerializer}, tags=["notifications"])
    def get(self, request: Request, pk: str) -> Response:
        return Response(s.NotificationSerializer(own_notification(request, pk)).data)

    @extend_schema(request=s.NotificationReadStateSerializer, responses={200: s.NotificationSerializer},
                   tags=["notifications"])
    def patch(self, request: Request, pk: str) -> Response:
        notification = own_notification(request, pk)
        form = s.NotificationReadStateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        notification = services.notification_set_read(notification=notification,
                                                      is_read=form.validated_data["is_read"])
        return Response(s.NotificationSerializer(notification).data)

    @extend_schema(responses={204: None}, tags=["notifications"])
    def delete(self, request: Request, pk: str) -> Response:
        services.notification_delete(notification=own_notification(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationReadView(APIView):
    """Mark one notification read (the first read time is kept)."""

    @extend_schema(request=None, responses={200: s.NotificationSerializer}, tags=["notifications"])
    def post(self, request: Request, pk: str) -> Response:
        notification = services.notification_set_read(notification=own_notification(request, pk), is_read=True)
        return Response(s.NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    """Mark every unread notification of the caller read, in one UPDATE."""

    @extend_schema(request=None, responses={200: s.MarkedReadSerializer}, tags=["notifications"])
    def post(self, request: Request) -> Response:
        return Response({"updated": services.notifications_mark_all_read(user_id=request.user.pk)})


class UnreadCountView(APIView):
    """The unread badge: the caller's unread, unexpired notifications."""

    @extend_schema(responses={200: s.UnreadCountSerializer}, tags=["notifications"])
    def get(self, request: Request) -> Response:
        return Response({"count": selectors.unread_count(user_id=request.user.pk)})
