"""``/api/v1/workshops/``, ``/api/v1/workshop-registrations/`` and ``/api/v1/instructor/workshops/``.

The catalog and a user's history come from their database functions (``get_available_workshops``,
``get_user_workshop_history``); other reads are plain querysets under the caller's RLS, so a workshop or a
registration the caller cannot see is a 404; one they see but may not change is a 403. Seats, the
waitlist, prices and payment holds are decided by the database's triggers (``workshops.services``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from humanglue.api.schema import ClientErrorResponseSerializer
from organizations.enums import AiPillar, CourseDifficulty, PaymentStatus, RegistrationStatus, WorkshopStatus

from .. import selectors, services
from ..models import Workshop, WorkshopFeedback, WorkshopRegistration
from . import serializers as s

TAGS = ["workshops"]
INSTRUCTOR_TAGS = ["instructor workshops"]
WORKSHOP_KEY = OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH,
                                description="The workshop's id (UUID) or slug.")


def _caller_id(request: Request) -> UUID | None:
    return request.user.pk if request.user.is_authenticated else None


def _visible_workshop(pk: UUID) -> Workshop:
    return get_object_or_404(Workshop.objects.all(), pk=pk)


def _visible_registration(pk: UUID) -> WorkshopRegistration:
    return get_object_or_404(WorkshopRegistration.objects.all(), pk=pk)


def _detail(workshop: Workshop, request: Request) -> Response:
    caller = _caller_id(request)
    context = {"request": request, "private_links": selectors.caller_sees_private_links(workshop, caller),
               "my_registration": selectors.own_registration(workshop.pk, caller)}
    return Response(s.WorkshopDetailSerializer(workshop, context=context).data)


def _instructor_detail(workshop: Workshop, code: int = status.HTTP_200_OK) -> Response:
    return Response(s.InstructorWorkshopSerializer(workshop).data, status=code)


# --- the catalog and one workshop --------------------------------------------------------------------------


class WorkshopCatalogApi(generics.GenericAPIView):
    """Open workshops (``get_available_workshops``): published and not ended, with a seat left or a waitlist;
    featured first, then by start time. Anonymous callers included."""

    permission_classes = [AllowAny]
    filter_backends: list = []
    serializer_class = s.CatalogWorkshopSerializer

    @extend_schema(tags=TAGS, summary="The workshop catalog", parameters=[s.CatalogQuerySerializer],
                   responses={200: s.CatalogWorkshopSerializer(many=True)})
    def get(self, request: Request) -> Response:
        query = s.CatalogQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.CatalogRows(pillar=query.validated_data.get("pillar"),
                                     level=query.validated_data.get("level"))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.CatalogWorkshopSerializer(page, many=True).data)


class WorkshopDetailApi(APIView):
    """One workshop the caller may read (published ones for everyone; their own, their organization's and
    those they registered for), with the caller's registration. ``meeting_url`` and ``materials_url`` are
    null unless the caller runs the workshop or holds a confirmed seat."""

    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, summary="One workshop", parameters=[WORKSHOP_KEY],
                   responses={200: s.WorkshopDetailSerializer})
    def get(self, request: Request, key: str) -> Response:
        return _detail(selectors.workshop_by_id_or_slug(key), request)


class WorkshopRegisterApi(APIView):
    """Register the caller. Free workshop: a seat (``registered``) or the waitlist (``waitlisted``) when full,
    first come first served. Paid workshop: a held seat (``registered`` + ``payment_status='pending'``) until
    the payment completes or the hold expires; ``payment_request`` is the body for ``POST /api/v1/payments/``.
    A cancelled registration is registered again. Refusals: 409 ``already_registered``, 409
    ``workshop_full`` (no waitlist), 400 ``workshop_not_open``."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, summary="Register for a workshop", request=None,
                   responses={201: s.RegisterResultSerializer})
    def post(self, request: Request, pk: UUID) -> Response:
        registration = services.registration_register(workshop=_visible_workshop(pk), user=request.user)
        return Response(s.RegisterResultSerializer(registration).data, status=status.HTTP_201_CREATED)


# --- registrations -----------------------------------------------------------------------------------------


class WorkshopHistoryApi(generics.GenericAPIView):
    """The caller's workshop history (``get_user_workshop_history``), newest registration first, with the
    place on the waitlist and the rating given. ``user=`` reads another user's (an admin of their
    organization, a platform admin; others 403 ``history_forbidden``)."""

    filter_backends: list = []
    serializer_class = s.HistoryRowSerializer

    @extend_schema(tags=TAGS, summary="My workshop history", parameters=[s.HistoryQuerySerializer],
                   responses={200: s.HistoryRowSerializer(many=True), 403: ClientErrorResponseSerializer})
    def get(self, request: Request) -> Response:
        query = s.HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.HistoryRows(user_id=query.validated_data.get("user", request.user.pk),
                                     status=query.validated_data.get("status"))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.HistoryRowSerializer(page, many=True).data)


@extend_schema_view(get=extend_schema(tags=TAGS, summary="One registration"))
class RegistrationDetailApi(generics.RetrieveAPIView):
    """A registration the caller may read: their own; their workshop's as instructor; their organization's as
    org admin; any as platform admin."""

    serializer_class = s.RegistrationSerializer
    queryset = WorkshopRegistration.objects.all()


class RegistrationCancelApi(APIView):
    """Cancel a registration or leave the waitlist (the registrant, the workshop's instructor, a platform
    admin). The freed seat goes to the first waitlisted registration. A paid seat is cancelled by refunding
    its payment (409 ``registration_paid``)."""

    @extend_schema(tags=TAGS, summary="Cancel a registration", request=None,
                   responses={200: s.RegistrationSerializer})
    def post(self, request: Request, pk: UUID) -> Response:
        registration = services.registration_cancel(registration=_visible_registration(pk), user=request.user)
        return Response(s.RegistrationSerializer(registration).data)


class RegistrationAttendanceApi(APIView):
    """Check-in: the workshop's instructor (or a platform admin) marks a registration ``attended`` or
    ``no_show`` once the workshop has started, with optional minutes and percentage attended."""

    @extend_schema(tags=INSTRUCTOR_TAGS, summary="Record attendance", request=s.AttendanceSerializer,
                   responses={200: s.RegistrationSerializer})
    def post(self, request: Request, pk: UUID) -> Response:
        registration = _visible_registration(pk)
        form = s.AttendanceSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        registration = services.registration_attendance(
            registration=registration, attendance=data["status"],
            duration_minutes=data.get("attendance_duration_minutes"), percentage=data.get("attendance_percentage"))
        return Response(s.RegistrationSerializer(registration).data)


class RegistrationFeedbackApi(APIView):
    """The attendee's feedback on a workshop they attended: read it (the attendee, the workshop's instructor,
    a platform admin), give it once (POST), change it (PATCH)."""

    def _feedback(self, registration: WorkshopRegistration) -> WorkshopFeedback:
        return get_object_or_404(WorkshopFeedback.objects.all(), registration_id=registration.pk)

    @extend_schema(tags=TAGS, summary="The feedback of a registration", responses={200: s.FeedbackSerializer})
    def get(self, request: Request, pk: UUID) -> Response:
        return Response(s.FeedbackSerializer(self._feedback(_visible_registration(pk))).data)

    @extend_schema(tags=TAGS, summary="Give feedback after attending", request=s.FeedbackSerializer,
                   responses={201: s.FeedbackSerializer})
    def post(self, request: Request, pk: UUID) -> Response:
        registration = _visible_registration(pk)
        form = s.FeedbackSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        feedback = services.feedback_submit(registration=registration, user=request.user, data=form.validated_data)
        return Response(s.FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAGS, summary="Change one's feedback", request=s.FeedbackSerializer(partial=True),
                   responses={200: s.FeedbackSerializer})
    def patch(self, request: Request, pk: UUID) -> Response:
        feedback = self._feedback(_visible_registration(pk))
        form = s.FeedbackSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        feedback = services.feedback_update(feedback=feedback, user=request.user, data=form.validated_data)
        return Response(s.FeedbackSerializer(feedback).data)


# --- the instructor's side ---------------------------------------------------------------------------------


class InstructorWorkshopFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=WorkshopStatus.choices)
    pillar = filters.ChoiceFilter(choices=AiPillar.choices)
    level = filters.ChoiceFilter(choices=CourseDifficulty.choices)
    upcoming = filters.BooleanFilter(method="filter_upcoming", help_text="Only workshops that have not ended "
                                                                         "(true) or only ended ones (false).")

    class Meta:
        model = Workshop
        fields = ["status", "pillar", "level", "upcoming"]

    def filter_upcoming(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        from django.contrib.postgres.functions import TransactionNow

        if value is None:
            return queryset
        return queryset.filter(end_time__gt=TransactionNow()) if value else queryset.exclude(
            end_time__gt=TransactionNow())


@extend_schema_view(
    get=extend_schema(tags=INSTRUCTOR_TAGS, summary="My workshops (any status)"),
    post=extend_schema(tags=INSTRUCTOR_TAGS, summary="Create a draft workshop (instructors)",
                       request=s.WorkshopWriteSerializer, responses={201: s.InstructorWorkshopSerializer}),
)
class InstructorWorkshopListApi(generics.ListCreateAPIView):
    serializer_class = s.InstructorWorkshopSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = InstructorWorkshopFilter
    # (instructor_id, start_time) is indexed.
    ordering_fields = ["start_time", "created_at"]
    ordering = ["-start_time", "id"]

    def get_queryset(self) -> QuerySet:
        return Workshop.objects.filter(instructor_id=self.request.user.pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = s.WorkshopWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        workshop = services.workshop_create(user=request.user, data=form.validated_data)
        return _instructor_detail(workshop, status.HTTP_201_CREATED)


class InstructorWorkshopDetailApi(APIView):
    """One of the caller's workshops (a platform admin: any), and editing it."""

    def _workshop(self, pk: UUID) -> Workshop:
        workshop = _visible_workshop(pk)
        services.require_teacher(workshop)
        return workshop

    @extend_schema(tags=INSTRUCTOR_TAGS, summary="One of my workshops",
                   responses={200: s.InstructorWorkshopSerializer, 403: ClientErrorResponseSerializer})
    def get(self, request: Request, pk: UUID) -> Response:
        return _instructor_detail(self._workshop(pk))

    @extend_schema(tags=INSTRUCTOR_TAGS, summary="Edit a workshop", request=s.WorkshopWriteSerializer(partial=True),
                   responses={200: s.InstructorWorkshopSerializer})
    def patch(self, request: Request, pk: UUID) -> Response:
        workshop = self._workshop(pk)
        form = s.WorkshopWriteSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        return _instructor_detail(services.workshop_update(workshop=workshop, data=form.validated_data))


class InstructorWorkshopPublishApi(APIView):
    """Publish a draft (or a cancelled workshop again): it opens for registration and enters the catalog."""

    @extend_schema(tags=INSTRUCTOR_TAGS, summary="Publish a workshop", request=None,
                   responses={200: s.InstructorWorkshopSerializer})
    def post(self, request: Request, pk: UUID) -> Response:
        return _instructor_detail(services.workshop_publish(workshop=_visible_workshop(pk)))


class InstructorWorkshopCancelApi(APIView):
    """Cancel a workshop: it leaves the catalog and takes no more registrations."""

    @extend_schema(tags=INSTRUCTOR_TAGS, summary="Cancel a workshop", request=None,
                   responses={200: s.InstructorWorkshopSerializer})
    def post(self, request: Request, pk: UUID) -> Response:
        return _instructor_detail(services.workshop_cancel(workshop=_visible_workshop(pk)))


class RegistrationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=RegistrationStatus.choices)
    payment_status = filters.ChoiceFilter(choices=PaymentStatus.choices)

    class Meta:
        model = WorkshopRegistration
        fields = ["status", "payment_status"]


@extend_schema_view(get=extend_schema(tags=INSTRUCTOR_TAGS, summary="A workshop's registrations",
                                     responses={200: s.RegistrationSerializer(many=True),
                                                403: ClientErrorResponseSerializer}))
class InstructorRegistrationListApi(generics.ListAPIView):
    """The registrations of one of the caller's workshops (a platform admin: any workshop), the waitlist
    in its FIFO order with ``ordering=status_changed_at``."""

    serializer_class = s.RegistrationSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = RegistrationFilter
    ordering_fields = ["registered_at", "status_changed_at"]
    ordering = ["registered_at", "id"]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no workshop in the path
            return WorkshopRegistration.objects.none()
        workshop = _visible_workshop(self.kwargs["pk"])
        services.require_teacher(workshop)
        return WorkshopRegistration.objects.filter(workshop_id=workshop.pk)
