"""``seed --scale`` end to end on small volumes: COPY with triggers off, then zero counter drift."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from humanglue import seeding

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small_volumes(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"ORGANIZATIONS": 3, "INSTRUCTORS": 6, "STUDENTS": 60, "COURSES": 20,
                        "COURSES_OF_LARGEST_INSTRUCTOR": 4, "BATCH": 50}.items():
        monkeypatch.setattr(seeding, name, value)


def count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


def test_scale_load_is_consistent_and_not_repeated(small_volumes: None) -> None:
    out = StringIO()
    call_command("seed", scale=1, stdout=out)
    text = out.getvalue()
    assert "rows/s" in text and "the baseline of" in text and "zero drift" in text
    assert count("enrollments") == 60 * seeding.ENROLLMENTS_PER_STUDENT
    assert count("student_progress") == count("enrollments") * 4
    with connection.cursor() as cursor:
        cursor.execute("SELECT counter, mismatched FROM rebuild_instructor_counters(true)")
        assert all(mismatched == 0 for _counter, mismatched in cursor.fetchall())
        # The counters the triggers would have kept are right: enrolled_count counts every enrollment
        # (dropped included, spec 30 §2.2) and completed_count the completed ones.
        cursor.execute("""SELECT count(*) FROM courses c
                          WHERE c.enrolled_count <> (SELECT count(*) FROM enrollments e WHERE e.course_id = c.id)
                             OR c.completed_count <> (SELECT count(*) FROM enrollments e
                                                      WHERE e.course_id = c.id AND e.status = 'completed')""")
        assert cursor.fetchone()[0] == 0
        # Triggers are back on after the load.
        cursor.execute("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE c.relname = 'enrollments' AND NOT t.tgisinternal AND t.tgenabled = 'D'")
        assert cursor.fetchone()[0] == 0
    again = StringIO()
    call_command("seed", scale=1, stdout=again)
    assert "nothing to do" in again.getvalue()
    assert count("enrollments") == 60 * seeding.ENROLLMENTS_PER_STUDENT
