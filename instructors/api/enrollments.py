"""``/api/v1/enrollments/``: the caller's enrollments, one enrollment with its lesson progress, dropping,
and progress reports (the database's triggers move the enrollment's progress, status and completed_at).
Enrolling is ``courses/<id>/enroll/``; an instructor's view of their students is the instructor portal's."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services
from ..models import Enrollment
from . import serializers as s
from .filters import EnrollmentFilter


def _visible_enrollment(pk: UUID) -> Enrollment:
    return get_object_or_404(Enrollment.objects.all(), pk=pk)


@extend_schema_view(get=extend_schema(tags=["enrollments"], summary="My enrollments"))
class EnrollmentListApi(generics.ListAPIView):
    serializer_class = s.EnrollmentSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = EnrollmentFilter
    # The caller's own rows only (the (user_id, course_id) index selects them), so sorting them is cheap.
    ordering_fields = ["enrolled_at", "last_accessed_at"]
    ordering = ["-enrolled_at", "id"]

    def get_queryset(self) -> QuerySet:
        return Enrollment.objects.filter(user_id=self.request.user.pk)


@extend_schema_view(get=extend_schema(tags=["enrollments"]))
class EnrollmentDetailApi(generics.RetrieveAPIView):
    """An enrollment the caller may read (their own; their course's as instructor; their organization's as
    org admin; any as platform admin), with the lesson progress rows they may read."""

    serializer_class = s.EnrollmentDetailSerializer
    queryset = Enrollment.objects.all()


class EnrollmentDropApi(APIView):
    """Leave the course (the student), or remove the student (the course's instructor, a platform admin)."""

    @extend_schema(tags=["enrollments"], request=None, responses={200: s.EnrollmentSerializer})
    def post(self, request: Request, pk: UUID) -> Response:
        enrollment = services.enrollment_drop(enrollment=_visible_enrollment(pk), user=request.user)
        return Response(s.EnrollmentSerializer(enrollment).data)


class EnrollmentProgressApi(APIView):
    """Report progress on one lesson (the enrolled student): the answer shows the enrollment as the
    database's roll-up left it (progress_percentage, status, completed_at) and the lesson's row."""

    @extend_schema(tags=["enrollments"], request=s.ProgressReportSerializer,
                   responses={200: s.ProgressResultSerializer})
    def post(self, request: Request, pk: UUID) -> Response:
        enrollment = _visible_enrollment(pk)
        form = s.ProgressReportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        progress = services.progress_report(
            enrollment=enrollment, user=request.user, lesson_id=data["lesson"], completed=data["completed"],
            seconds_spent=data["seconds_spent"], completion_percentage=data["completion_percentage"],
            last_position_seconds=data["last_position_seconds"])
        return Response({"enrollment": s.EnrollmentSerializer(enrollment).data,
                         "lesson_progress": s.LessonProgressSerializer(progress).data},
                        status=status.HTTP_200_OK)
