"""Reads of the instructors app that go through database functions rather than the ORM."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection


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
