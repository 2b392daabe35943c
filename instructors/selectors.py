"""Reads of the instructors app: lesson content through its database function, the caller's rights as the
database's helpers answer them, and the learning API's querysets beyond one filter."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import Lookup, Q, QuerySet


@dataclass(frozen=True)
class LessonContent:
    """The paid part of a lesson. ``quiz_questions`` has its answers stripped unless the caller is the
    course instructor or a platform admin."""

    lesson_id: UUID
    video_url: str | None
    article_content: str | None
    resource_url: str | None
    quiz_questions: Any


def lesson_content(lesson_id: UUID | str) -> LessonContent | None:
    """The content of one lesson for the current caller, or None when the caller may not read it (or the
    lesson does not exist): the app role has no SELECT on these columns, ``app.lesson_content()`` decides
    (enrolled student, course instructor, platform admin; anyone who sees the course for a preview lesson).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lesson_id, video_url, article_content, resource_url, quiz_questions "
            "FROM app.lesson_content(%s)",
            [str(lesson_id)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    lesson, video_url, article_content, resource_url, questions = row
    if isinstance(questions, str):  # Django's psycopg setup hands jsonb over as text
        questions = json.loads(questions)
    return LessonContent(lesson, video_url, article_content, resource_url, questions)


# --- the learning API's reads (courses, outline, enrollments) ----------------------------------------------


class TitleContains(Lookup):
    """``title ILIKE '%q%'`` (wildcards in ``q`` escaped). Django's ``icontains`` compiles to
    ``UPPER(title) LIKE UPPER(...)``, which the GIN trigram index on the bare column cannot serve; ILIKE on
    the column itself is what ``gin_trgm_ops`` answers."""

    lookup_name = "ilike_contains"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        pattern = f"%{connection.ops.prep_for_like_query(self.rhs)}%"
        return f"{lhs} ILIKE %s", [*lhs_params, pattern]


def _ask(sql: str, params: list[Any]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.fetchone()[0])


def caller_is_platform_admin() -> bool:
    return _ask("SELECT app.is_platform_admin()", [])


def caller_is_instructor() -> bool:
    """The caller has an instructor profile (what ``courses_insert_own`` requires), or is a platform admin."""
    return _ask("SELECT app.is_instructor() OR app.is_platform_admin()", [])


def caller_teaches(course_id: UUID | str) -> bool:
    """The caller may write the course, its sections and lessons: its instructor or a platform admin."""
    return _ask("SELECT app.is_platform_admin() OR app.is_instructor_of_course(%s)", [str(course_id)])


def caller_is_org_member(organization_id: UUID | str) -> bool:
    return _ask("SELECT app.is_org_member(%s)", [str(organization_id)])


def caller_is_enrolled(course_id: UUID | str) -> bool:
    """An active enrollment (not dropped, not expired): the database's one definition of it."""
    return _ask("SELECT app.is_enrolled_in_course(%s)", [str(course_id)])


def course_catalog(*, viewer_id: UUID | None, status: str | None = None, mine: bool = False) -> QuerySet:
    """The courses a catalog page lists for the caller; RLS has already removed what they may not see.

    * default: published courses, plus the caller's own courses in any status;
    * ``status``: every course of that status the caller may see (their own, their organization's for an
      org admin or member, all for a platform admin);
    * ``mine``: the caller's own courses only (any status unless ``status`` narrows it).
    """
    from .models import Course

    courses = Course.objects.all()
    if mine:
        courses = courses.filter(instructor_id=viewer_id) if viewer_id else courses.none()
    if status:
        return courses.filter(status=status)
    if mine:
        return courses
    if viewer_id is None:
        return courses.filter(status="published")
    return courses.filter(Q(status="published") | Q(instructor_id=viewer_id))


def course_by_id_or_slug(key: str) -> Any:
    """The visible course whose id (a UUID) or slug is ``key``; Http404 otherwise."""
    from django.shortcuts import get_object_or_404

    from .models import Course

    try:
        return get_object_or_404(Course.objects.all(), pk=UUID(key))
    except ValueError:
        return get_object_or_404(Course.objects.all(), slug=key)


def course_outline(course_id: UUID) -> list[Any]:
    """The course's sections in order, each with its lessons in order (``section.outline``); no content."""
    from .models import CourseLesson, CourseSection

    sections = list(CourseSection.objects.filter(course_id=course_id).order_by("sort_order", "created_at", "id"))
    lessons: dict[UUID, list[Any]] = {section.pk: [] for section in sections}
    for lesson in CourseLesson.objects.filter(section_id__in=lessons).order_by("sort_order", "created_at", "id"):
        lessons[lesson.section_id].append(lesson)
    for section in sections:
        section.outline = lessons[section.pk]
    return sections


def courses_by_id(ids: Iterable[UUID | None]) -> dict[UUID, Any]:
    """The courses among ``ids`` the caller may see (an enrollment's course may be hidden from its reader,
    e.g. a dropped enrollment in an archived course: the enrollment still shows, its course as null)."""
    from .models import Course

    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {course.pk: course for course in Course.objects.filter(pk__in=wanted)}
