"""``/api/v1/talent/``, ``engagements/`` and ``consultations/``: the expert marketplace (spec 60).

Reads of the marketplace are public (anonymous callers included; RLS shows public profiles). Engagements and
consultations are the parties' (client and expert), readable also by the organization's admins and platform
admins as the policies say; a row the caller cannot see is a 404, a row they see but may not change a 403,
a move the row's state does not allow a 400 (conventions §10). Each transition is one POST; payment is the
payments app's ``POST /api/v1/payments/`` and its completion makes an engagement active.
"""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import utils as filter_utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from humanglue.api.schema import ClientErrorResponseSerializer

from .. import selectors, services
from ..models import Consultation, EngagementRequest, TalentProfile
from . import serializers as s
from .filters import ConsultationFilter, EngagementFilter, TalentSearchFilter

NO_PROFILE = "You have no expert profile."

# --- profiles ------------------------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(
    tags=["talent"], summary="Search the expert marketplace",
    description="Public profiles that accept clients, best match first when `q` is given, then by rating and "
                "number of reviews. Open to anonymous callers."))
class TalentListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.TalentListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = TalentSearchFilter

    def get_queryset(self) -> QuerySet[TalentProfile]:
        form = TalentSearchFilter(self.request.query_params, queryset=TalentProfile.objects.none(),
                                  request=self.request)
        if not form.is_valid():
            raise filter_utils.translate_validation(form.errors)
        data = form.form.cleaned_data
        return selectors.talent_marketplace(selectors.TalentSearch(
            expertise=data.get("expertise") or None, industries=data.get("industries") or None,
            pillars=data.get("pillars") or None, min_rating=data.get("min_rating"),
            availability=data.get("availability") or None, rate_min=data.get("rate_min"),
            rate_max=data.get("rate_max"), query=data.get("q") or None))


@extend_schema_view(get=extend_schema(tags=["talent"], summary="An expert's profile",
                                      description="A public profile (anyone), or the caller's own."))
class TalentDetailApi(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.TalentProfileSerializer
    queryset = TalentProfile.objects.all()


class TalentMeApi(APIView):
    """The caller's own expert profile."""

    def _profile(self, request: Request) -> TalentProfile:
        profile = selectors.own_profile(request.user.pk)
        if profile is None:
            raise exceptions.NotFound(NO_PROFILE, code="no_talent_profile")
        return profile

    def _answer(self, profile: TalentProfile, request: Request) -> Response:
        return Response(s.OwnTalentProfileSerializer(profile, context={"request": request}).data)

    @extend_schema(tags=["talent"], summary="My expert profile",
                   responses={200: s.OwnTalentProfileSerializer, 404: ClientErrorResponseSerializer})
    def get(self, request: Request) -> Response:
        return self._answer(self._profile(request), request)

    @extend_schema(tags=["talent"], summary="Edit my expert profile", request=s.TalentProfileWriteSerializer,
                   responses={200: s.OwnTalentProfileSerializer, 404: ClientErrorResponseSerializer})
    def patch(self, request: Request) -> Response:
        profile = self._profile(request)
        form = s.TalentProfileWriteSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        profile = services.profile_update(profile=profile, data=dict(form.validated_data),
                                          is_admin=selectors.caller_is_platform_admin())
        return self._answer(profile, request)


# --- engagements ---------------------------------------------------------------------------------------------


def _engagement(pk: UUID) -> EngagementRequest:
    return get_object_or_404(EngagementRequest.objects.all(), pk=pk)


def _engagement_answer(engagement: EngagementRequest, code: int = status.HTTP_200_OK) -> Response:
    return Response(s.EngagementSerializer(engagement).data, status=code)


@extend_schema_view(
    get=extend_schema(tags=["engagements"], summary="My engagements (as client or expert)"),
    post=extend_schema(tags=["engagements"], summary="Request an engagement with an expert (client)",
                       description="The rate and currency are the expert's profile's at the time of the request.",
                       request=s.EngagementCreateSerializer, responses={201: s.EngagementSerializer}),
)
class EngagementListApi(generics.ListCreateAPIView):
    serializer_class = s.EngagementSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = EngagementFilter
    ordering_fields = ["created_at", "status"]
    ordering = ["-created_at", "id"]

    def get_queryset(self) -> QuerySet[EngagementRequest]:
        return selectors.my_engagements(self.request.user.pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = s.EngagementCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        engagement = services.engagement_request(user=request.user, data=dict(form.validated_data))
        return _engagement_answer(engagement, status.HTTP_201_CREATED)


class EngagementSummaryApi(APIView):
    """``get_client_engagement_summary``: the caller's totals as a client (a platform admin: any client's)."""

    @extend_schema(tags=["engagements"], summary="My engagement totals as a client",
                   parameters=[OpenApiParameter("client", OpenApiTypes.UUID, required=False,
                                                description="Another client (platform admins only).")],
                   responses={200: s.EngagementSummarySerializer, 403: ClientErrorResponseSerializer})
    def get(self, request: Request) -> Response:
        client_id = request.user.pk
        if "client" in request.query_params:
            try:
                client_id = UUID(request.query_params["client"])
            except ValueError as exc:
                raise exceptions.ValidationError({"client": ["Must be a valid UUID."]}, code="invalid") from exc
        summary = selectors.client_engagement_summary(client_id)
        if summary is None:
            raise exceptions.PermissionDenied("Only the client themself or a platform admin may read this summary.",
                                              code="summary_forbidden")
        return Response(s.EngagementSummarySerializer(summary).data)


class EngagementDetailApi(APIView):
    """One engagement the caller may read (a party, the organization's admin, a platform admin)."""

    @extend_schema(tags=["engagements"], summary="One engagement", responses={200: s.EngagementSerializer})
    def get(self, request: Request, pk: UUID) -> Response:
        return _engagement_answer(_engagement(pk))

    @extend_schema(tags=["engagements"], summary="Edit an engagement (each party its own columns)",
                   description="The client edits the request (title, description, focus_area, initial_message, "
                               "timeline, hours_total) while it is pending; the expert the delivery (dates, "
                               "deliverables, milestones, outcomes, hours_total after payment). Another party's "
                               "column answers 403 `restricted_column`, a pinned price 403 `price_pinned`.",
                   request=s.EngagementUpdateSerializer, responses={200: s.EngagementSerializer})
    def patch(self, request: Request, pk: UUID) -> Response:
        engagement = _engagement(pk)
        form = s.EngagementUpdateSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        return _engagement_answer(services.engagement_edit(engagement=engagement, user=request.user,
                                                           data=dict(form.validated_data)))


class EngagementMoveApi(APIView):
    """Base of the engagement transitions: POST moves the engagement to ``to``."""

    to: ClassVar[str]
    only_from: ClassVar[tuple[str, ...] | None] = None

    def post(self, request: Request, pk: UUID) -> Response:
        engagement = _engagement(pk)
        return _engagement_answer(services.engagement_move(engagement=engagement, user=request.user, to=self.to,
                                                           only_from=self.only_from))


def _own_post(base: type[APIView], **schema: Any) -> Any:
    """A fresh ``post`` for one subclass: extend_schema marks the function it decorates, so subclasses that
    shared their base's function would share (and overwrite) each other's documentation."""

    def post(self: APIView, request: Request, pk: UUID) -> Response:
        return base.post(self, request, pk)

    return extend_schema(**schema)(post)


def _engagement_move(to: str, summary: str, only_from: tuple[str, ...] | None = None) -> type[EngagementMoveApi]:
    return type(f"Engagement{to.title()}Api", (EngagementMoveApi,), {
        "to": to, "only_from": only_from, "__doc__": summary,
        "post": _own_post(EngagementMoveApi, tags=["engagements"], summary=summary, request=None,
                          responses={200: s.EngagementSerializer})})


EngagementAcceptApi = _engagement_move("accepted", "Accept a pending request (the expert)")
EngagementDeclineApi = _engagement_move("declined", "Decline a pending request (the expert)")
EngagementPauseApi = _engagement_move("paused", "Pause an active engagement (the expert)")
EngagementResumeApi = _engagement_move("active", "Resume a paused engagement (the expert)", ("paused",))
EngagementCompleteApi = _engagement_move("completed", "Complete an active or paused engagement (the expert)")
EngagementCancelApi = _engagement_move(
    "cancelled", "Cancel an engagement (the client while pending; either party once accepted, active or paused)")


class EngagementRateApi(APIView):
    @extend_schema(tags=["engagements"], summary="Rate a completed engagement (the client, once)",
                   request=s.RatingSerializer, responses={200: s.EngagementSerializer})
    def post(self, request: Request, pk: UUID) -> Response:
        engagement = _engagement(pk)
        form = s.RatingSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return _engagement_answer(services.engagement_rate(engagement=engagement, user=request.user,
                                                           score=form.validated_data["score"]))


# --- consultations -------------------------------------------------------------------------------------------


def _consultation(pk: UUID) -> Consultation:
    return get_object_or_404(Consultation.objects.all(), pk=pk)


def _viewer(request: Request) -> dict[str, Any]:
    return {"viewer_id": request.user.pk, "is_admin": selectors.caller_is_platform_admin(), "request": request}


def _consultation_answer(consultation: Consultation, request: Request, code: int = status.HTTP_200_OK) -> Response:
    return Response(s.ConsultationSerializer(consultation, context=_viewer(request)).data, status=code)


@extend_schema_view(
    get=extend_schema(tags=["consultations"], summary="My consultations (as client or expert)"),
    post=extend_schema(tags=["consultations"], summary="Book a consultation slot (client)",
                       description="A standalone booking costs the expert's hourly rate for the booked time; a "
                                   "session of an active engagement (`engagement_request`) uses its hours. The "
                                   "slot is requested until the expert schedules it.",
                       request=s.ConsultationBookSerializer, responses={201: s.ConsultationSerializer}),
)
class ConsultationListApi(generics.ListCreateAPIView):
    serializer_class = s.ConsultationSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = ConsultationFilter
    ordering_fields = ["scheduled_start", "created_at"]
    ordering = ["-scheduled_start", "id"]

    def get_queryset(self) -> QuerySet[Consultation]:
        return selectors.my_consultations(self.request.user.pk)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **_viewer(self.request)}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = s.ConsultationBookSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        consultation = services.consultation_book(user=request.user, data=dict(form.validated_data))
        return _consultation_answer(consultation, request, status.HTTP_201_CREATED)


class ConsultationDetailApi(APIView):
    """One consultation the caller may read (a party, the organization's admin, a platform admin)."""

    @extend_schema(tags=["consultations"], summary="One consultation", responses={200: s.ConsultationSerializer})
    def get(self, request: Request, pk: UUID) -> Response:
        return _consultation_answer(_consultation(pk), request)

    @extend_schema(tags=["consultations"], summary="Edit a consultation (each party its own columns)",
                   description="The client edits title, description and topics while it is requested; the "
                               "expert the meeting link, notes, action items and private expert_notes. Another "
                               "party's column answers 403 `restricted_column`.",
                   request=s.ConsultationUpdateSerializer, responses={200: s.ConsultationSerializer})
    def patch(self, request: Request, pk: UUID) -> Response:
        consultation = _consultation(pk)
        form = s.ConsultationUpdateSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        consultation = services.consultation_update(consultation=consultation, user=request.user,
                                                    data=dict(form.validated_data))
        return _consultation_answer(consultation, request)


class ConsultationActionApi(APIView):
    """Base of the consultation actions: validate ``form``, then ``act``."""

    form: ClassVar[type[Serializer] | None] = None

    def act(self, consultation: Consultation, request: Request, data: dict[str, Any]) -> Consultation:
        raise NotImplementedError

    def post(self, request: Request, pk: UUID) -> Response:
        consultation = _consultation(pk)
        data: dict[str, Any] = {}
        if self.form is not None:
            form = self.form(data=request.data)
            form.is_valid(raise_exception=True)
            data = dict(form.validated_data)
        return _consultation_answer(self.act(consultation, request, data), request)


def _documented(cls: type[ConsultationActionApi], summary: str) -> type[ConsultationActionApi]:
    cls.post = _own_post(ConsultationActionApi, tags=["consultations"], summary=summary, request=cls.form,
                         responses={200: s.ConsultationSerializer})
    cls.__doc__ = summary
    return cls


class ConsultationScheduleApi(ConsultationActionApi):
    form = s.ScheduleSerializer

    def act(self, consultation: Consultation, request: Request, data: dict[str, Any]) -> Consultation:
        return services.consultation_move(consultation=consultation, user=request.user, to="scheduled",
                                          changes=data)


class ConsultationRescheduleApi(ConsultationActionApi):
    form = s.RescheduleSerializer

    def act(self, consultation: Consultation, request: Request, data: dict[str, Any]) -> Consultation:
        return services.consultation_reschedule(consultation=consultation, user=request.user,
                                                start=data["scheduled_start"], end=data["scheduled_end"])


class ConsultationCancelApi(ConsultationActionApi):
    form = s.CancelSerializer

    def act(self, consultation: Consultation, request: Request, data: dict[str, Any]) -> Consultation:
        reason = data.get("reason")
        if reason is None:
            reason = (Consultation.CancellationReason.CLIENT_CANCELLED if request.user.pk == consultation.user_id
                      else Consultation.CancellationReason.EXPERT_CANCELLED)
        return services.consultation_move(consultation=consultation, user=request.user, to="cancelled",
                                          changes={"cancellation_reason": reason})


class ConsultationCompleteApi(ConsultationActionApi):
    form = s.CompleteSerializer

    def act(self, consultation: Consultation, request: Request, data: dict[str, Any]) -> Consultation:
        return services.consultation_move(consultation=consultation, user=request.user, to="completed",
                                          changes=data)


class ConsultationRateApi(ConsultationActionApi):
    form = s.ConsultationRatingSerializer

    def act(self, consultation: Consultation, request: Request, data: dict[str, Any]) -> Consultation:
        return services.consultation_rate(consultation=consultation, user=request.user, rating=data["rating"],
                                          feedback=data.get("feedback"))


_documented(ConsultationScheduleApi, "Schedule a requested slot (the expert)")
_documented(ConsultationRescheduleApi, "Move a requested or scheduled session (the expert)")
_documented(ConsultationCancelApi, "Cancel a session (the client before it starts, or the expert)")
_documented(ConsultationCompleteApi, "Mark a scheduled session completed (the expert)")
_documented(ConsultationRateApi, "Rate a completed session (the client, once)")
