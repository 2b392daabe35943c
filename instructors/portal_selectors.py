"""Reads of the instructor portal (``/api/v1/instructor/``) that go through the dashboard functions of spec 30.

Every function here passes the CALLER's id as ``p_instructor_id``: the functions' own check
(``assert_instructor_access``: the instructor themself or a platform admin) is the net, and no request
parameter ever chooses whose figures are read. They run inside the request transaction, under the app
role, so the INVOKER helpers (quiz, assignment and watch-time stats) count only what RLS shows the caller.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection
from psycopg import sql

from .models import InstructorProfile

# Sort keys of the student list -> the function's column (spec 30 §1). A tie-break on enrollment_id
# always follows, so pages never overlap.
STUDENT_SORTS = {
    "last_accessed_at": "last_activity_at",
    "enrolled_at": "enrollment_date",
    "progress_percentage": "progress_percentage",
    "full_name": "student_name",
}
# The function's own order (spec 30 §1): the only one it pages by itself.
DEFAULT_STUDENT_SORT = "-last_accessed_at"

PROGRESS_COLUMNS = ("student_id", "student_name", "student_email", "student_avatar", "course_id", "course_title",
                    "progress_percentage", "last_activity_at", "enrollment_date", "status", "enrollment_id",
                    "completed_at")
STATS_COLUMNS = ("quiz_total_attempts", "quiz_passed_attempts", "quiz_failed_attempts", "quiz_average_score",
                 "quiz_highest_score", "quiz_latest_attempt_date", "assignment_total_submissions",
                 "assignment_graded_submissions", "assignment_pending_submissions", "assignment_average_grade",
                 "assignment_highest_grade", "assignment_latest_submission_date", "time_spent",
                 "time_spent_seconds")

# Per page row: the student's quiz, assignment and watch-time figures in that course (spec 30 §4, INVOKER:
# RLS counts the rows of the caller's courses), joined after the page is cut so they run once per row.
_WITH_STATS = """
SELECT s.student_id, s.student_name, s.student_email, s.student_avatar, s.course_id, s.course_title,
       s.progress_percentage, s.last_activity_at, s.enrollment_date, s.status::text, s.enrollment_id,
       s.completed_at,
       q.total_attempts, q.passed_attempts, q.failed_attempts, q.average_score, q.highest_score,
       q.latest_attempt_date,
       a.total_submissions, a.graded_submissions, a.pending_submissions, a.average_grade, a.highest_grade,
       a.latest_submission_date,
       public.get_student_watch_time(s.student_id, s.course_id),
       (SELECT COALESCE(sum(sp.time_spent_seconds), 0)::bigint FROM public.student_progress sp
        WHERE sp.enrollment_id = s.enrollment_id)
FROM ({page}) s
CROSS JOIN LATERAL public.get_student_quiz_stats(s.student_id, s.course_id) q
CROSS JOIN LATERAL public.get_student_assignment_stats(s.student_id, s.course_id) a
ORDER BY s.n
"""


def caller_is_instructor(user_id: UUID) -> bool:
    """The caller has an instructor profile (the database's definition, ``app.is_instructor()``)."""
    return InstructorProfile.objects.filter(user_id=user_id).exists()


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def dashboard_stats(*, instructor_id: UUID) -> dict[str, Any]:
    """``get_instructor_dashboard_stats``: one row of live figures."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM public.get_instructor_dashboard_stats(%s)", [instructor_id])
        return _rows(cursor)[0]


def revenue_breakdown(*, instructor_id: UUID, start: datetime.datetime | None,
                      end: datetime.datetime | None) -> list[dict[str, Any]]:
    """``get_instructor_revenue_breakdown``: completed revenue grouped by transaction type (bounds inclusive)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT transaction_type::text AS transaction_type, transaction_count, total_amount, total_fees, "
            "total_earnings FROM public.get_instructor_revenue_breakdown(%s, %s, %s)",
            [instructor_id, start, end],
        )
        return _rows(cursor)


@dataclass(frozen=True)
class StudentProgressRows:
    """The caller's enrollments as ``get_instructor_student_progress`` returns them, plus per-row stats, as a
    lazily sliced sequence for Django's paginator (``count()`` and ``[a:b]`` each run one query).

    Without status, search, student or a non-default sort, a page is cut by the function itself
    (``p_limit``/``p_offset``, its fast path) and ``count()`` counts the caller's enrollments under RLS (the
    function returns no total). Otherwise the function's full result is filtered and sorted around it and
    counted the same way; that reads every enrollment of the instructor (or of ``course_id``), so it is
    slower for very large instructors.
    """

    instructor_id: UUID
    course_id: UUID | None = None
    status: str | None = None
    search: str | None = None
    student_id: UUID | None = None
    sort: str = DEFAULT_STUDENT_SORT

    @property
    def _function_pages(self) -> bool:
        return not (self.status or self.search or self.student_id) and self.sort == DEFAULT_STUDENT_SORT

    def _where(self) -> tuple[sql.Composable, list[Any]]:
        conditions: list[sql.Composable] = [sql.SQL("true")]
        params: list[Any] = []
        if self.status:
            conditions.append(sql.SQL("p.status::text = %s"))
            params.append(self.status)
        if self.student_id:
            conditions.append(sql.SQL("p.student_id = %s"))
            params.append(self.student_id)
        if self.search:
            pattern = "%" + self.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            conditions.append(sql.SQL("(p.student_name ILIKE %s OR p.student_email ILIKE %s)"))
            params += [pattern, pattern]
        return sql.SQL(" AND ").join(conditions), params

    def _order(self) -> sql.Composable:
        column = sql.Identifier("p", STUDENT_SORTS[self.sort.lstrip("-")])
        direction = sql.SQL("DESC" if self.sort.startswith("-") else "ASC")
        tail = sql.SQL("p.enrollment_date DESC, p.enrollment_id ASC")
        return sql.SQL("{} {} NULLS LAST, {}").format(column, direction, tail)

    def count(self) -> int:
        if self._function_pages:
            # The function's rows are the enrollments of the caller's courses: count those directly.
            query = sql.SQL(
                "SELECT count(*) FROM public.enrollments e JOIN public.courses c ON c.id = e.course_id "
                "WHERE c.instructor_id = %s AND (%s::uuid IS NULL OR c.id = %s::uuid)")
            params: list[Any] = [self.instructor_id, self.course_id, self.course_id]
        else:
            where, where_params = self._where()
            query = sql.SQL(
                "SELECT count(*) FROM public.get_instructor_student_progress(%s, %s) p WHERE {}").format(where)
            params = [self.instructor_id, self.course_id, *where_params]
        with connection.cursor() as cursor:
            cursor.execute(query.as_string(connection.connection), params)
            return cursor.fetchone()[0]

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        offset = window.start or 0
        limit = (window.stop - offset) if window.stop is not None else None
        if self._function_pages:
            page = sql.SQL(
                "SELECT p.*, p.ordinality AS n "
                "FROM public.get_instructor_student_progress(%s, %s, %s, %s) WITH ORDINALITY p")
            params: list[Any] = [self.instructor_id, self.course_id, limit, offset]
        else:
            where, where_params = self._where()
            order = self._order()
            page = sql.SQL(
                "SELECT p.*, row_number() OVER (ORDER BY {order}) AS n "
                "FROM public.get_instructor_student_progress(%s, %s) p WHERE {where} "
                "ORDER BY {order} LIMIT %s OFFSET %s").format(order=order, where=where)
            params = [self.instructor_id, self.course_id, *where_params, limit, offset]
        query = sql.SQL(_WITH_STATS).format(page=page)
        with connection.cursor() as cursor:
            cursor.execute(query.as_string(connection.connection), params)
            return [dict(zip(PROGRESS_COLUMNS + STATS_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
