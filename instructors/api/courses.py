"""``/api/v1/courses/``, ``sections/``, ``lessons/``: the catalog, course outlines, instructors' authoring
and lesson content.

Reads are open to anonymous callers (RLS shows them published courses only); writes need a login and are
the course instructor's (or a platform admin's). A row the caller cannot see is a 404; a row they see but
may not change is a 403.
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
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from organizations.enums import CourseStatus

from .. import selectors, services
from ..models import Course, CourseLesson, CourseSection
from . import serializers as s
from .filters import CourseFilter

COURSE_KEY = OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH,
                              description="The course's id (UUID) or slug.")
TRUE_VALUES = {"1", "true", "True", "yes"}


def _visible_course(pk: UUID) -> Course:
    return get_object_or_404(Course.objects.all(), pk=pk)


def _detail(course: Course, request: Request, code: int = status.HTTP_200_OK) -> Response:
    return Response(s.CourseDetailSerializer(course, context={"request": request}).data, status=code)


# --- courses -----------------------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(tags=["courses"], summary="The course catalog",
                      description="Published courses plus the caller's own (any status); `mine=true` lists "
                                  "only the caller's own, `status=` every course of that status the caller "
                                  "may see. Anonymous callers see published courses."),
    post=extend_schema(tags=["courses"], summary="Create a draft course (instructors)",
                       request=s.CourseWriteSerializer, responses={201: s.CourseDetailSerializer}),
)
class CourseListCreateApi(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = s.CourseListSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = CourseFilter
    # Indexed columns only (created_at: the published catalog's index; the others have their own).
    ordering_fields = ["created_at", "enrolled_count", "average_rating", "sort_order"]
    ordering = ["-created_at", "id"]

    def get_queryset(self) -> QuerySet:
        params = self.request.query_params
        wanted = params.get("status")
        return selectors.course_catalog(
            viewer_id=self.request.user.pk if self.request.user.is_authenticated else None,
            status=wanted if wanted in CourseStatus.values else None,
            mine=params.get("mine") in TRUE_VALUES)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = s.CourseWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        course = services.course_create(user=request.user, data=form.validated_data)
        return _detail(course, request, status.HTTP_201_CREATED)


class CourseDetailApi(APIView):
    """One course with its outline; its instructor edits or deletes it."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(tags=["courses"], parameters=[COURSE_KEY], responses={200: s.CourseDetailSerializer})
    def get(self, request: Request, key: str) -> Response:
        return _detail(selectors.course_by_id_or_slug(key), request)

    @extend_schema(tags=["courses"], parameters=[COURSE_KEY], request=s.CourseWriteSerializer,
                   responses={200: s.CourseDetailSerializer})
    def patch(self, request: Request, key: str) -> Response:
        course = selectors.course_by_id_or_slug(key)
        form = s.CourseWriteSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        return _detail(services.course_update(course=course, data=form.validated_data), request)

    @extend_schema(tags=["courses"], parameters=[COURSE_KEY], responses={204: None})
    def delete(self, request: Request, key: str) -> Response:
        services.course_delete(course=selectors.course_by_id_or_slug(key))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CoursePublishApi(APIView):
    """Publish a draft or archived course (its instructor)."""

    @extend_schema(tags=["courses"], request=None, responses={200: s.CourseDetailSerializer})
    def post(self, request: Request, pk: UUID) -> Response:
        return _detail(services.course_publish(course=_visible_course(pk)), request)


class CourseArchiveApi(APIView):
    """Archive a course: it leaves the catalog, enrolled students keep it (its instructor)."""

    @extend_schema(tags=["courses"], request=None, responses={200: s.CourseDetailSerializer})
    def post(self, request: Request, pk: UUID) -> Response:
        return _detail(services.course_archive(course=_visible_course(pk)), request)


class CourseEnrollApi(APIView):
    """Enrol the caller in a free published course. A paid course answers 402 ``payment_required``."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["enrollments"], request=None, responses={201: s.EnrollmentSerializer})
    def post(self, request: Request, pk: UUID) -> Response:
        enrollment = services.enrollment_create(user=request.user, course=_visible_course(pk))
        return Response(s.EnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)


# --- sections ----------------------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(tags=["courses"], summary="A course's sections, in order"),
                    post=extend_schema(tags=["courses"], summary="Add a section (the course's instructor)"))
class SectionListCreateApi(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = s.SectionSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        course = _visible_course(self.kwargs["pk"])
        return CourseSection.objects.filter(course_id=course.pk).order_by("sort_order", "created_at", "id")

    def perform_create(self, serializer: s.SectionSerializer) -> None:
        course = _visible_course(self.kwargs["pk"])
        serializer.instance = services.section_create(course=course, data=serializer.validated_data)


class SectionReorderApi(APIView):
    """Set the order of a course's sections: ``ids`` lists every section once, first to last."""

    @extend_schema(tags=["courses"], request=s.ReorderSerializer, responses={200: s.SectionSerializer(many=True)})
    def post(self, request: Request, pk: UUID) -> Response:
        course = _visible_course(pk)
        form = s.ReorderSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.reorder(model=CourseSection, parent={"course_id": course.pk}, course_id=course.pk,
                         ids=form.validated_data["ids"])
        sections = CourseSection.objects.filter(course_id=course.pk).order_by("sort_order", "created_at", "id")
        return Response(s.SectionSerializer(sections, many=True).data)


@extend_schema_view(get=extend_schema(tags=["courses"]), patch=extend_schema(tags=["courses"]),
                    delete=extend_schema(tags=["courses"]))
class SectionDetailApi(generics.RetrieveUpdateDestroyAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = s.SectionSerializer
    queryset = CourseSection.objects.all()
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def perform_update(self, serializer: s.SectionSerializer) -> None:
        services.section_update(section=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance: CourseSection) -> None:
        services.section_delete(section=instance)


# --- lessons -----------------------------------------------------------------------------------------------


def _visible_section(pk: UUID) -> CourseSection:
    return get_object_or_404(CourseSection.objects.all(), pk=pk)


def _course_of(lesson: CourseLesson) -> UUID:
    # The lesson is visible only through its section (course_lessons_select_visible_course): it exists.
    return CourseSection.objects.values_list("course_id", flat=True).get(pk=lesson.section_id)


@extend_schema_view(get=extend_schema(tags=["courses"], summary="A section's lessons, in order (outline)"),
                    post=extend_schema(tags=["courses"], summary="Add a lesson (the course's instructor)"))
class LessonListCreateApi(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = s.LessonSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        section = _visible_section(self.kwargs["pk"])
        return CourseLesson.objects.filter(section_id=section.pk).order_by("sort_order", "created_at", "id")

    def perform_create(self, serializer: s.LessonSerializer) -> None:
        section = _visible_section(self.kwargs["pk"])
        serializer.instance = services.lesson_create(section=section, data=serializer.validated_data)


class LessonReorderApi(APIView):
    """Set the order of a section's lessons: ``ids`` lists every lesson once, first to last."""

    @extend_schema(tags=["courses"], request=s.ReorderSerializer, responses={200: s.LessonSerializer(many=True)})
    def post(self, request: Request, pk: UUID) -> Response:
        section = _visible_section(pk)
        form = s.ReorderSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.reorder(model=CourseLesson, parent={"section_id": section.pk}, course_id=section.course_id,
                         ids=form.validated_data["ids"])
        lessons = CourseLesson.objects.filter(section_id=section.pk).order_by("sort_order", "created_at", "id")
        return Response(s.LessonSerializer(lessons, many=True).data)


@extend_schema_view(get=extend_schema(tags=["courses"]), patch=extend_schema(tags=["courses"]),
                    delete=extend_schema(tags=["courses"]))
class LessonDetailApi(generics.RetrieveUpdateDestroyAPIView):
    """A lesson's outline; its instructor edits, moves or deletes it (content: ``content/``)."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = s.LessonSerializer
    queryset = CourseLesson.objects.all()
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def perform_update(self, serializer: s.LessonSerializer) -> None:
        lesson = serializer.instance
        services.lesson_update(lesson=lesson, course_id=_course_of(lesson), data=serializer.validated_data)

    def perform_destroy(self, instance: CourseLesson) -> None:
        services.lesson_delete(lesson=instance, course_id=_course_of(instance))


class LessonContentApi(APIView):
    """A lesson's content, exactly as ``app.lesson_content()`` lets the caller read it: enrolled students,
    the instructor and platform admins (preview lessons: whoever sees the course); quiz answers only for the
    instructor and platform admins. A lesson the caller sees in the outline but may not open is a 403
    ``content_locked``. The instructor replaces the content with PUT."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(tags=["courses"], responses={200: s.LessonContentSerializer})
    def get(self, request: Request, pk: UUID) -> Response:
        lesson = get_object_or_404(CourseLesson.objects.all(), pk=pk)
        content = selectors.lesson_content(lesson.pk)
        if content is None:
            raise services.LearningError("Enrol in the course to open this lesson.", code="content_locked",
                                         status_code=status.HTTP_403_FORBIDDEN)
        return Response(s.LessonContentSerializer(content).data)

    @extend_schema(tags=["courses"], request=s.LessonContentSerializer, responses={200: s.LessonContentSerializer})
    def put(self, request: Request, pk: UUID) -> Response:
        lesson = get_object_or_404(CourseLesson.objects.all(), pk=pk)
        form = s.LessonContentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        content = {field: form.validated_data.get(field) for field in
                   ("video_url", "article_content", "resource_url", "quiz_questions")}
        services.lesson_content_replace(lesson=lesson, course_id=_course_of(lesson), content=content)
        return Response(s.LessonContentSerializer(selectors.lesson_content(lesson.pk)).data)
