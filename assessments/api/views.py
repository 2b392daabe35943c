"""``/api/v1/assessments/``: start (or resume) an assessment, my assessments, one assessment, its questions
and answers (answer, change, skip while it is in progress), completing it, its results (dimension scores
and ``get_assessment_progress``), my latest ones (``get_user_latest_assessment``); and an organization's
adaptability trend (``get_org_adaptability_trend``) for its org admins.

Rows are read through plain querysets under the caller's rights: an assessment the caller may not read
(another student's, another organization's) is a 404. Scores are always the database's.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from humanglue.api.schema import ClientErrorResponseSerializer as CLIENT_ERROR
from organizations.models import Organization

from .. import selectors, services
from ..models import DIMENSIONS, Assessment, AssessmentResponse
from . import serializers as s
from .filters import AssessmentFilter, QuestionFilter

TAGS = ["assessments"]
ASSESSMENT_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The assessment.")
ORG_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The organization.")


def visible_assessment(pk: Any) -> Assessment:
    """The assessment if the caller may read it (its owner, an org admin of its organization, a platform
    admin), else 404."""
    return get_object_or_404(Assessment.objects.all(), pk=pk)


@extend_schema_view(
    get=extend_schema(tags=TAGS, summary="My assessments"),
    post=extend_schema(tags=TAGS, summary="Start an assessment", request=s.AssessmentStartSerializer,
                       responses={201: s.AssessmentSerializer, 200: s.AssessmentSerializer},
                       description="Starts an assessment of the pillar (201), or resumes the caller's "
                                   "unfinished one of the same pillar and type (200). Scores, status and "
                                   "dates are the database's: any sent are ignored."),
)
class AssessmentListCreateApi(generics.ListCreateAPIView):
    serializer_class = s.AssessmentSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = AssessmentFilter
    ordering_fields = ["created_at", "completed_at"]
    ordering = ["-created_at", "id"]

    def get_queryset(self) -> QuerySet[Assessment]:
        return selectors.assessment_list(user_id=self.request.user.pk)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = s.AssessmentStartSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        assessment, created = services.assessment_start(
            user=request.user, pillar=data["pillar"], assessment_type=data["assessment_type"],
            organization_id=data.get("organization"), metadata=data.get("metadata"))
        return Response(s.AssessmentSerializer(assessment).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(get=extend_schema(tags=TAGS, summary="One assessment", parameters=[ASSESSMENT_ID]))
class AssessmentDetailApi(generics.RetrieveAPIView):
    """An assessment the caller may read: their own, their organization's members' (org admins: scores
    only, never the answers), any (platform admins)."""

    serializer_class = s.AssessmentSerializer
    queryset = Assessment.objects.all()


class AssessmentChildListApi(generics.ListAPIView):
    """Lists of an assessment's response rows: its owner's (and platform admins'), 403 for an org admin
    who sees the assessment but not its answers, 404 for anyone else."""

    def get_queryset(self) -> QuerySet[AssessmentResponse]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no assessment in the path
            return AssessmentResponse.objects.none()
        assessment = visible_assessment(self.kwargs["pk"])
        services.require_answer_reader(assessment, self.request.user)
        return selectors.response_list(assessment_id=assessment.pk)


@extend_schema_view(get=extend_schema(tags=TAGS, summary="An assessment's answers", parameters=[ASSESSMENT_ID],
                                      responses={200: s.AssessmentAnswerSerializer, 403: CLIENT_ERROR}))
class AssessmentResponsesApi(AssessmentChildListApi):
    serializer_class = s.AssessmentAnswerSerializer
    filter_backends: list = []

    @extend_schema(tags=TAGS, summary="Answer, change or skip a question", parameters=[ASSESSMENT_ID],
                   request=s.AssessmentAnswerInputSerializer,
                   responses={201: s.AssessmentAnswerSerializer, 200: s.AssessmentAnswerSerializer},
                   description="Records the answer to one question (201 for a new question, 200 when an "
                               "earlier answer is replaced); ``skipped`` true records a skip. The database "
                               "rescores the assessment. Once it is completed or archived the answers are "
                               "frozen: 400 ``assessment_frozen`` (spec 50, HGA01).")
    def post(self, request: Request, pk: UUID) -> Response:
        assessment = visible_assessment(pk)
        form = s.AssessmentAnswerInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        question_id = data.pop("question_id")
        # Only what the client sent: a later answer keeps the question's layout it leaves out.
        data = {name: value for name, value in data.items() if name in form.initial_data or name == "skipped"}
        response, created = services.response_record(assessment=assessment, user=request.user,
                                                     question_id=question_id, data=data)
        return Response(s.AssessmentAnswerSerializer(response).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(get=extend_schema(tags=TAGS, summary="An assessment's questions", parameters=[ASSESSMENT_ID],
                                      responses={200: s.AssessmentQuestionSerializer, 403: CLIENT_ERROR}))
class AssessmentQuestionsApi(AssessmentChildListApi):
    """The assessment's questions as laid out by its answers (answered, skipped, or recorded without an
    answer yet), with their state; ``?pending=true`` lists those still to answer. The schema has no
    question bank (spec 50 §5: question keys come from the client's bank), so these are what exists."""

    serializer_class = s.AssessmentQuestionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = QuestionFilter


class AssessmentCompleteApi(APIView):
    """Complete the assessment: the scores are the database's (derived from the scored answers), a body is
    ignored. Without any scored answer: 400 ``nothing_to_score``."""

    @extend_schema(tags=TAGS, summary="Complete an assessment", parameters=[ASSESSMENT_ID], request=None,
                   responses={200: s.AssessmentSerializer})
    def post(self, request: Request, pk: UUID) -> Response:
        assessment = services.assessment_complete(assessment=visible_assessment(pk), user=request.user)
        return Response(s.AssessmentSerializer(assessment).data)


class AssessmentArchiveApi(APIView):
    """Abandon an unfinished assessment (status ``archived``); its answers are frozen from then on."""

    @extend_schema(tags=TAGS, summary="Abandon an assessment", parameters=[ASSESSMENT_ID], request=None,
                   responses={200: s.AssessmentSerializer})
    def post(self, request: Request, pk: UUID) -> Response:
        assessment = services.assessment_archive(assessment=visible_assessment(pk), user=request.user)
        return Response(s.AssessmentSerializer(assessment).data)


def _group(row: dict[str, Any] | None, dimension: str | None, score: int | None) -> dict[str, Any]:
    row = row or {"total_questions": 0, "answered_questions": 0, "skipped_questions": 0,
                  "completion_percentage": 0}
    return {"dimension": dimension, "score": score, "total_questions": row["total_questions"],
            "answered_questions": row["answered_questions"], "skipped_questions": row["skipped_questions"],
            "completion_percentage": row["completion_percentage"]}


class AssessmentResultsApi(APIView):
    """The assessment with each dimension's score and progress (``get_assessment_progress``, over the
    answers the caller may read: an org admin sees the scores, and zero questions)."""

    @extend_schema(tags=TAGS, summary="An assessment's results and progress", parameters=[ASSESSMENT_ID],
                   responses={200: s.AssessmentResultsSerializer})
    def get(self, request: Request, pk: UUID) -> Response:
        assessment = visible_assessment(pk)
        progress = {row["dimension"]: row for row in selectors.assessment_progress(assessment_id=assessment.pk)}
        dimensions = [_group(progress.get(d), d, getattr(assessment, f"{d}_score")) for d in DIMENSIONS]
        unscored = _group(progress[None], None, None) if None in progress else None
        total = sum(row["total_questions"] for row in progress.values())
        answered = sum(row["answered_questions"] for row in progress.values())
        body = {"assessment": s.AssessmentSerializer(assessment).data, "dimensions": dimensions,
                "unscored": unscored, "total_questions": total, "answered_questions": answered,
                "completion_percentage": round(100 * answered / total) if total else 0}
        return Response(s.AssessmentResultsSerializer(body).data)


class LatestAssessmentApi(APIView):
    """The newest completed assessment (``get_user_latest_assessment``) and the newest of each pillar, of
    the caller or, for an org admin, of a member (``?user=``). What the caller may not see is left out."""

    @extend_schema(tags=TAGS, summary="My latest assessments", parameters=[s.LatestAssessmentsQuerySerializer],
                   responses={200: s.LatestAssessmentsSerializer})
    def get(self, request: Request) -> Response:
        query = s.LatestAssessmentsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user_id = query.validated_data.get("user", request.user.pk)
        by_pillar = [{"assessment_id": a.pk, "pillar": a.pillar, "assessment_type": a.assessment_type,
                      "overall_score": a.overall_score, "individual_score": a.individual_score,
                      "leadership_score": a.leadership_score, "cultural_score": a.cultural_score,
                      "embedding_score": a.embedding_score, "velocity_score": a.velocity_score,
                      "completed_at": a.completed_at}
                     for a in selectors.latest_by_pillar(user_id=user_id)]
        body = {"latest": selectors.latest_assessment(user_id=user_id), "by_pillar": by_pillar}
        return Response(s.LatestAssessmentsSerializer(body).data)


@extend_schema_view(get=extend_schema(tags=TAGS, summary="An organization's adaptability trend",
                                      parameters=[ORG_ID, s.AdaptabilityTrendQuerySerializer],
                                      responses={200: s.AdaptabilityTrendMonthSerializer, 403: CLIENT_ERROR}))
class OrganizationTrendApi(generics.ListAPIView):
    """Monthly averages of the organization's completed adaptability assessments over the last ``months``
    calendar months, newest first (``get_org_adaptability_trend``). Its org admins and platform admins; a
    member gets 403, anyone who cannot see the organization 404."""

    serializer_class = s.AdaptabilityTrendMonthSerializer
    filter_backends: list = []

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organization = get_object_or_404(Organization.objects.only("id"), pk=kwargs["pk"])
        query = s.AdaptabilityTrendQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.org_adaptability_trend(organization_id=organization.pk,
                                                months=query.validated_data["months"])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
