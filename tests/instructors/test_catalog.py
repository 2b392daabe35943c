"""The catalog of the instructors logic (spec 30; conventions §3) against contract.json: the 23 functions of
instructors/0003-0004 and the 2 of payments/0004 (signature, result, security, volatility, pinned
search_path, EXECUTE grants: verify's checks), their triggers (name, table, timing, level, events) and the
five views."""

from __future__ import annotations

import pytest

from humanglue.contract import load_contract
from tests.catalog import assert_verified
from tests.db import fetch

pytestmark = pytest.mark.django_db

CONTRACT = load_contract()
INSTRUCTOR_FUNCTIONS = {
    "get_instructor_dashboard_stats", "get_instructor_student_progress", "get_instructor_recent_activity",
    "assert_instructor_access", "auto_create_student_progress", "auto_update_enrolled_count",
    "log_enrollment_activity", "update_instructor_stats_from_enrollment", "stamp_student_progress",
    "log_lesson_activity", "update_enrollment_progress", "recompute_progress_on_lesson_change",
    "recompute_course_progress", "update_course_rating", "update_instructor_stats_from_owner",
    "init_instructor_stats", "refresh_instructor_stats", "log_quiz_activity", "log_assignment_activity",
    "get_student_quiz_stats", "get_student_assignment_stats", "get_student_watch_time",
    "rebuild_instructor_counters", "get_instructor_revenue_breakdown", "update_item_revenue",
}
# (table, trigger) -> (timing, level, events) per spec 30 §2
ALL_ROW = ("AFTER", "ROW", {"INSERT", "DELETE", "UPDATE"})
TRIGGERS = {
    ("enrollments", "auto_create_student_progress"): ("AFTER", "ROW", {"INSERT"}),
    ("enrollments", "auto_update_enrolled_count"): ("AFTER", "ROW", {"INSERT", "DELETE", "UPDATE"}),
    ("enrollments", "log_enrollment_activity_trigger"): ("AFTER", "ROW", {"INSERT", "UPDATE"}),
    ("enrollments", "update_instructor_stats_from_enrollments_trigger"): ALL_ROW,
    ("student_progress", "stamp_student_progress_trigger"): ("BEFORE", "ROW", {"INSERT", "UPDATE"}),
    ("student_progress", "log_lesson_activity_trigger"): ("AFTER", "ROW", {"INSERT", "UPDATE"}),
    ("student_progress", "update_enrollment_progress_trigger"): ("AFTER", "ROW", {"INSERT", "UPDATE", "DELETE"}),
    ("course_lessons", "recompute_progress_after_lesson_insert"): ("AFTER", "STATEMENT", {"INSERT"}),
    ("course_lessons", "recompute_progress_after_lesson_update"): ("AFTER", "STATEMENT", {"UPDATE"}),
    ("course_lessons", "recompute_progress_after_lesson_delete"): ("AFTER", "STATEMENT", {"DELETE"}),
    ("course_sections", "recompute_progress_after_section_update"): ("AFTER", "STATEMENT", {"UPDATE"}),
    ("course_sections", "recompute_progress_after_section_delete"): ("AFTER", "STATEMENT", {"DELETE"}),
    ("course_reviews", "update_course_rating_trigger"): ("AFTER", "ROW", {"INSERT", "DELETE", "UPDATE"}),
    ("courses", "update_instructor_stats_from_courses_trigger"): ("AFTER", "ROW", {"INSERT", "DELETE", "UPDATE"}),
    ("workshops", "update_instructor_stats_from_workshops_trigger"): ("AFTER", "ROW", {"INSERT", "DELETE", "UPDATE"}),
    ("instructor_profiles", "init_instructor_stats_trigger"): ("BEFORE", "ROW", {"INSERT"}),
    ("quiz_attempts", "log_quiz_activity_trigger"): ("AFTER", "ROW", {"INSERT"}),
    ("assignment_submissions", "log_assignment_activity_trigger"): ("AFTER", "ROW", {"INSERT", "UPDATE"}),
    ("revenue_transactions", "update_item_revenue_trigger"): ("AFTER", "ROW", {"INSERT", "DELETE", "UPDATE"}),
}
VIEWS = ("instructor_course_performance", "instructor_workshop_performance", "student_engagement_summary",
         "course_enrollments", "lesson_progress")


def test_functions_match_the_contract() -> None:
    """Signature, result, security, volatility, pinned search_path, owner, EXECUTE for the app role only on
    the API functions and never for PUBLIC, no overload: verify's function checks."""
    assert len([f for f in CONTRACT["functions"] if f["name"] in INSTRUCTOR_FUNCTIONS]) == 25
    assert_verified("function", INSTRUCTOR_FUNCTIONS)


@pytest.mark.parametrize("key", TRIGGERS, ids=lambda k: f"{k[0]}.{k[1]}")
def test_trigger_exists_with_its_timing_level_and_events(key: tuple[str, str]) -> None:
    table, name = key
    assert name in CONTRACT["tables"][table]["triggers"]
    rows = fetch("SELECT action_timing, action_orientation, event_manipulation FROM information_schema.triggers "
                 "WHERE event_object_schema = 'public' AND event_object_table = %s AND trigger_name = %s",
                 [table, name])
    timing, level, _ = rows[0]
    assert (timing, level, {r[2] for r in rows}) == TRIGGERS[key]


def test_same_event_triggers_keep_the_lock_order() -> None:
    """Name order = firing order: enrollment -> course -> profile; guard before init (spec 30 §0.1)."""
    names = sorted(CONTRACT["tables"]["enrollments"]["triggers"])
    assert names.index("auto_update_enrolled_count") < names.index("update_instructor_stats_from_enrollments_trigger")
    assert "guard_instructor_profiles_columns" < "init_instructor_stats_trigger"
    assert "log_lesson_activity_trigger" < "update_enrollment_progress_trigger"


def test_views_columns_security_invoker_and_select_only() -> None:
    """Columns in the contract's order, security_invoker, SELECT and nothing else for the app role: verify's
    view and view grant checks."""
    assert_verified("view", VIEWS)
    assert_verified("grant", [f"SELECT on {view}" for view in VIEWS])


UPDATE_COLUMNS = {  # UPDATE OF lists (spec 30 §2): counter writes on other columns must not fire these
    ("enrollments", "auto_update_enrolled_count"): "UPDATE OF status, course_id",
    ("enrollments", "log_enrollment_activity_trigger"): "UPDATE OF status",
    ("enrollments", "update_instructor_stats_from_enrollments_trigger"): "UPDATE OF user_id, course_id",
    ("course_reviews", "update_course_rating_trigger"): "UPDATE OF rating, is_published, course_id",
    ("courses", "update_instructor_stats_from_courses_trigger"): "UPDATE OF status, instructor_id",
    ("workshops", "update_instructor_stats_from_workshops_trigger"): "UPDATE OF status, instructor_id",
    ("assignment_submissions", "log_assignment_activity_trigger"): "UPDATE OF status",
    ("revenue_transactions", "update_item_revenue_trigger"):
        "UPDATE OF payment_status, amount, course_id, workshop_id",
}


@pytest.mark.parametrize("key", UPDATE_COLUMNS, ids=lambda k: f"{k[0]}.{k[1]}")
def test_update_column_lists(key: tuple[str, str]) -> None:
    ((definition,),) = fetch("SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t "
                             "WHERE t.tgrelid = %s::regclass AND t.tgname = %s", [f"public.{key[0]}", key[1]])
    assert UPDATE_COLUMNS[key] in definition
