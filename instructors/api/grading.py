"""Learning endpoints: course reviews, quiz attempts graded by the server, assignment submissions and their
grading.

Rows are read through plain querysets (RLS decides who sees what: a row another organization's user
cannot see is a 404); writes go through ``instructors.services``, whose refusals become 400/403/409.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from humanglue.api.pagination import NewestFirstCursorPagination

from .. import services
from ..models import AssignmentSubmission, Course, CourseLesson, CourseReview, QuizAttempt
from . import grading_serializers as s
from .grading_filters import QuizAttemptFilter, ReviewFilter, SubmissionFilter


class ReadPublicWriteAuthenticated(BasePermission):
    """Reading published reviews needs no account (as in the catalog); writing does."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in ("GET", "HEAD", "OPTIONS") or bool(request.user and request.user.is_authenticated)


def visible_lesson(lesson_id: Any) -> CourseLesson:
    """The lesson if the caller sees its course (the syllabus policies), else 404."""
    return get_object_or_404(CourseLesson.objects.only("id", "content_type", "section_id"), pk=lesson_id)


# --- course reviews -------------------------------------------------------------------------------------


@extend_schema(tags=["reviews"])
class CourseReviewListApi(generics.ListCreateAPIView):
    """A course's reviews (published ones for everyone; the author's own and, for the course's instructor,
    the unpublished ones too), and the caller's review of a course they completed."""

    serializer_class = s.ReviewSerializer
    permission_classes = [ReadPublicWriteAuthenticated]
    filterset_class = ReviewFilter
    ordering_fields = ["created_at", "rating"]
    ordering = ["-created_at"]

    def get_course(self) -> Course:
        return get_object_or_404(Course.objects.only("id"), pk=self.kwargs["course_id"])

    def get_queryset(self) -> QuerySet[CourseReview]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no course in the path
            return CourseReview.objects.none()
        return CourseReview.objects.filter(course_id=self.get_course().pk)

    @extend_schema(request=s.ReviewInputSerializer, responses={201: s.ReviewSerializer})
    def post(self, request: Request, course_id: Any) -> Response:
        course = self.get_course()
        form = s.ReviewInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        review = services.review_create(user_id=request.user.pk, course_id=course.pk, **form.validated_data)
        return Response(s.ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["reviews"])
class ReviewDetailApi(APIView):
    """One review: read it (if visible), change it (its author), delete it (a platform admin: moderation)."""

    permission_classes = [ReadPublicWriteAuthenticated]

    def get_review(self, pk: Any) -> CourseReview:
        return get_object_or_404(CourseReview, pk=pk)

    @extend_schema(responses={200: s.ReviewSerializer})
    def get(self, request: Request, pk: Any) -> Response:
        return Response(s.ReviewSerializer(self.get_review(pk)).data)

    @extend_schema(request=s.ReviewInputSerializer(partial=True), responses={200: s.ReviewSerializer})
    def patch(self, request: Request, pk: Any) -> Response:
        review = self.get_review(pk)
        form = s.ReviewInputSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        review = services.review_update(review=review, user_id=request.user.pk, changes=form.validated_data)
        return Response(s.ReviewSerializer(review).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: Any) -> Response:
        review = self.get_review(pk)
        services.review_delete(review=review)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["reviews"])
class ReviewResponseApi(APIView):
    """The course instructor's public reply to a review (null removes it)."""

    @extend_schema(request=s.ReviewResponseSerializer, responses={200: s.ReviewSerializer})
    def put(self, request: Request, pk: Any) -> Response:
        review = get_object_or_404(CourseReview, pk=pk)
        form = s.ReviewResponseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        review = services.review_respond(review=review, response=form.validated_data["instructor_response"])
        return Response(s.ReviewSerializer(review).data)


# --- quiz attempts --------------------------------------------------------------------------------------


class QuizAttemptListBase(generics.ListAPIView):
    serializer_class = s.QuizAttemptSerializer
    pagination_class = NewestFirstCursorPagination  # attempts are append-only
    filter_backends = [DjangoFilterBackend]
    filterset_class = QuizAttemptFilter


@extend_schema(tags=["quizzes"])
class LessonQuizAttemptsApi(QuizAttemptListBase):
    """The caller's attempts at a quiz lesson, and a new attempt: the server grades the answers (score,
    max_score, percentage and passed are never taken from the client)."""

    def get_queryset(self) -> QuerySet[QuizAttempt]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no lesson in the path
            return QuizAttempt.objects.none()
        lesson = visible_lesson(self.kwargs["lesson_id"])
        return QuizAttempt.objects.filter(user_id=self.request.user.pk, lesson_id=lesson.pk)

    @extend_schema(request=s.QuizAttemptInputSerializer, responses={201: s.QuizAttemptSerializer})
    def post(self, request: Request, lesson_id: Any) -> Response:
        lesson = visible_lesson(lesson_id)
        form = s.QuizAttemptInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        attempt = services.quiz_attempt_submit(user_id=request.user.pk, lesson=lesson, **form.validated_data)
        return Response(s.QuizAttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["quizzes"])
class MyQuizAttemptsApi(QuizAttemptListBase):
    """The caller's quiz attempts, newest first."""

    def get_queryset(self) -> QuerySet[QuizAttempt]:
        return QuizAttempt.objects.filter(user_id=self.request.user.pk)


@extend_schema(tags=["quizzes"])
class QuizAttemptDetailApi(generics.RetrieveAPIView):
    """One attempt: its student's, the course instructor's, a platform admin's."""

    serializer_class = s.QuizAttemptSerializer
    queryset = QuizAttempt.objects.all()


# --- assignment submissions -----------------------------------------------------------------------------


class SubmissionListBase(generics.ListAPIView):
    serializer_class = s.SubmissionSerializer
    filterset_class = SubmissionFilter
    ordering_fields = ["created_at", "submitted_at"]
    ordering = ["-created_at"]


@extend_schema(tags=["assignments"])
class LessonSubmissionsApi(SubmissionListBase):
    """The caller's submissions for an assignment lesson, and a new one (or a draft)."""

    def get_queryset(self) -> QuerySet[AssignmentSubmission]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no lesson in the path
            return AssignmentSubmission.objects.none()
        lesson = visible_lesson(self.kwargs["lesson_id"])
        return AssignmentSubmission.objects.filter(user_id=self.request.user.pk, lesson_id=lesson.pk)

    @extend_schema(request=s.SubmissionInputSerializer, responses={201: s.SubmissionSerializer})
    def post(self, request: Request, lesson_id: Any) -> Response:
        lesson = visible_lesson(lesson_id)
        form = s.SubmissionInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        submission = services.submission_create(user_id=request.user.pk, lesson=lesson, **form.validated_data)
        return Response(s.SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["assignments"])
class MySubmissionsApi(SubmissionListBase):
    """The caller's own submissions."""

    def get_queryset(self) -> QuerySet[AssignmentSubmission]:
        return AssignmentSubmission.objects.filter(user_id=self.request.user.pk)


@extend_schema(tags=["assignments"])
class InstructorSubmissionsApi(SubmissionListBase):
    """Submissions to the courses the caller teaches (the grading queue; ``?status=submitted``)."""

    def get_queryset(self) -> QuerySet[AssignmentSubmission]:
        taught = Course.objects.filter(instructor_id=self.request.user.pk).values("id")
        return AssignmentSubmission.objects.filter(course_id__in=taught)


@extend_schema(tags=["assignments"])
class SubmissionDetailApi(APIView):
    """One submission: its student and the course instructor read it; its student changes their work."""

    @extend_schema(responses={200: s.SubmissionSerializer})
    def get(self, request: Request, pk: Any) -> Response:
        return Response(s.SubmissionSerializer(get_object_or_404(AssignmentSubmission, pk=pk)).data)

    @extend_schema(request=s.SubmissionUpdateSerializer, responses={200: s.SubmissionSerializer})
    def patch(self, request: Request, pk: Any) -> Response:
        submission = get_object_or_404(AssignmentSubmission, pk=pk)
        form = s.SubmissionUpdateSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        changes = dict(form.validated_data)
        submit = changes.pop("submit", False)
        submission = services.submission_update(submission=submission, user_id=request.user.pk, changes=changes,
                                                submit=submit)
        return Response(s.SubmissionSerializer(submission).data)


@extend_schema(tags=["assignments"])
class SubmissionGradeApi(APIView):
    """Grade a submission, or return it for rework: the course's instructor (or a platform admin)."""

    @extend_schema(request=s.GradeInputSerializer, responses={200: s.SubmissionSerializer})
    def post(self, request: Request, pk: Any) -> Response:
        submission = get_object_or_404(AssignmentSubmission, pk=pk)
        form = s.GradeInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        submission = services.submission_grade(submission=submission, **form.validated_data)
        return Response(s.SubmissionSerializer(submission).data)

