"""RLS overhead: the API's most frequent list queries as the owner (RLS off) and under the app role (RLS on).

    .venv/bin/python bench/rls_overhead.py [--repeat 200]

Builds (once) its own data set in the bench database (``HUMANGLUE_BENCH_DB``, default ``humanglue_bench``):
100k users in 20 organizations with teams and cross-organization grants, 200 instructors, 1k courses with
sections and lessons, 100k enrollments with their lesson progress, 200k notifications. Then times each
query N times per role, owner and app role alternating so both see the same machine noise, and prints
p50/p95 in ms and the p95 ratio (target: the app role within 1.5x of the owner). When a ratio misses the
target the two plans are printed. The target is judged on p95 (p50 ratios are printed too: on a busy
machine p95 mostly measures the neighbours).
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass

from _setup import setup_django

ORGS, USERS_PER_ORG, CROSS_ORG_GRANTS = 20, 5_000, 1_000
INSTRUCTORS, COURSES, COURSES_OF_LARGEST = 200, 1_000, 50
STUDENTS, ENROLLMENTS_PER_STUDENT, LESSONS_PER_COURSE = 50_000, 2, 4
TEAMS_PER_ORG, MEMBERS_PER_TEAM = 10, 25
NOTIFIED_USERS, NOTIFICATIONS_PER_USER = 2_000, 100
TARGET = 1.5
OWNER = None  # caller of a timed run: None = the owner (no SET ROLE), "" = anonymous, else a user id

# Deterministic ids (md5 of a name), so each block can join the others without lookups.
# The org admins are the last 20 users, one per organization (user g lives in org 1 + g % ORGS).
DATA: list[tuple[str, str]] = [
    ("organizations", """
        INSERT INTO organizations (id, name, slug)
        SELECT md5('bench-org-' || o)::uuid, 'Bench org ' || o, 'bench-org-' || o FROM generate_series(1, {ORGS}) o
    """),
    ("users", """
        INSERT INTO users (id, email, full_name, organization_id, role)
        SELECT md5('bench-user-' || g)::uuid, 'bench-' || g || '@example.com', 'Bench User ' || g,
               md5('bench-org-' || (1 + g % {ORGS}))::uuid,
               CASE WHEN g > {USERS} - {ORGS} THEN 'org_admin'::user_role ELSE 'member'::user_role END
        FROM generate_series(1, {USERS}) g
    """),
    ("cross-organization grants", """
        INSERT INTO user_roles (user_id, role, organization_id)
        SELECT md5('bench-user-' || g)::uuid, 'member', md5('bench-org-' || (1 + (g + 7) % {ORGS}))::uuid
        FROM generate_series(1, {CROSS_ORG_GRANTS}) g
    """),
    ("teams", """
        INSERT INTO teams (id, organization_id, name)
        SELECT md5('bench-team-' || o || '-' || t)::uuid, md5('bench-org-' || o)::uuid, 'Team ' || t
        FROM generate_series(1, {ORGS}) o, generate_series(1, {TEAMS_PER_ORG}) t
    """),
    ("team members", """
        INSERT INTO team_members (team_id, user_id, role)
        SELECT md5('bench-team-' || o || '-' || t)::uuid,
               md5('bench-user-' || ({ORGS} * ((t - 1) * {MEMBERS_PER_TEAM} + j) + o - 1))::uuid,
               CASE WHEN j = 1 THEN 'team_lead'::user_role ELSE 'member'::user_role END
        FROM generate_series(1, {ORGS}) o, generate_series(1, {TEAMS_PER_ORG}) t,
             generate_series(1, {MEMBERS_PER_TEAM}) j
    """),
    ("instructors", """
        INSERT INTO users (id, email, full_name, organization_id)
        SELECT md5('bench-instructor-' || i)::uuid, 'bench-instructor-' || i || '@example.com', 'Instructor ' || i,
               CASE WHEN i % 2 = 0 THEN md5('bench-org-' || (1 + i % {ORGS}))::uuid END
        FROM generate_series(1, {INSTRUCTORS}) i;
        INSERT INTO user_roles (user_id, role) SELECT md5('bench-instructor-' || i)::uuid, 'instructor'
        FROM generate_series(1, {INSTRUCTORS}) i;
        INSERT INTO instructor_profiles (user_id, professional_title, bio, is_verified)
        SELECT md5('bench-instructor-' || i)::uuid, 'Coach',
               'Instructor ' || i || ' has taught adaptability and coaching to teams for many years.', i % 2 = 0
        FROM generate_series(1, {INSTRUCTORS}) i
    """),
    ("courses", """
        INSERT INTO courses (id, title, slug, pillar, level, instructor_id, organization_id, status, published_at,
                             price_amount, created_at)
        SELECT md5('bench-course-' || c)::uuid, 'Bench course ' || c, 'bench-course-' || c,
               (ARRAY['adaptability', 'coaching', 'marketplace'])[1 + c % 3]::ai_pillar,
               (ARRAY['beginner', 'intermediate', 'advanced'])[1 + c % 3]::course_difficulty,
               md5('bench-instructor-' || CASE WHEN c <= {COURSES_OF_LARGEST} THEN 1
                                               ELSE 2 + c % ({INSTRUCTORS} - 1) END)::uuid,
               CASE WHEN c % 4 <> 0 THEN md5('bench-org-' || (1 + c % {ORGS}))::uuid END,
               s.status, CASE WHEN s.status = 'published' THEN now() - c * interval '1 hour' END,
               CASE WHEN c % 10 < 3 THEN 0 ELSE 19 + (c * 37) % 181 END, now() - c * interval '1 hour'
        FROM generate_series(1, {COURSES}) c,
             LATERAL (SELECT (CASE c % 10 WHEN 0 THEN 'draft' WHEN 1 THEN 'archived'
                                   ELSE 'published' END)::course_status AS status) s
    """),
    ("sections and lessons", """
        INSERT INTO course_sections (id, course_id, title, sort_order)
        SELECT md5('bench-section-' || c || '-' || s)::uuid, md5('bench-course-' || c)::uuid, 'Section ' || s, s
        FROM generate_series(1, {COURSES}) c, generate_series(1, 2) s;
        INSERT INTO course_lessons (id, section_id, title, content_type, sort_order, is_preview)
        SELECT md5('bench-lesson-' || c || '-' || l)::uuid, md5('bench-section-' || c || '-' || (l + 1) / 2)::uuid,
               'Lesson ' || l, (ARRAY['video', 'article', 'quiz', 'assignment'])[l]::lesson_type, l, l = 1
        FROM generate_series(1, {COURSES}) c, generate_series(1, {LESSONS_PER_COURSE}) l
    """),
    # Enrollment n = 2g + k of student g: 1 in 12 goes to the largest instructor's courses; status by n % 20.
    ("enrollments", """
        INSERT INTO enrollments (id, user_id, course_id, organization_id, status, progress_percentage,
                                 enrolled_at, completed_at)
        SELECT md5('bench-enrollment-' || n)::uuid, md5('bench-user-' || g)::uuid,
               md5('bench-course-' || CASE
                   WHEN n % 12 = 0 THEN 1 + g % {COURSES_OF_LARGEST}
                   ELSE {COURSES_OF_LARGEST} + 1 + (n * 7919) % ({COURSES} - {COURSES_OF_LARGEST}) END)::uuid,
               md5('bench-org-' || (1 + g % {ORGS}))::uuid, st.status,
               CASE st.status WHEN 'completed' THEN 100 WHEN 'in_progress' THEN 10 + n % 80 ELSE 0 END,
               now() - (n % 2000) * interval '1 hour',
               CASE WHEN st.status = 'completed' THEN now() - (n % 100) * interval '1 hour' END
        FROM generate_series(1, {STUDENTS}) g, generate_series(0, {ENROLLMENTS_PER_STUDENT} - 1) k,
             LATERAL (SELECT 2 * g + k AS n) nn,
             LATERAL (SELECT (CASE WHEN n % 20 < 4 THEN 'completed' WHEN n % 20 = 4 THEN 'dropped'
                                   WHEN n % 20 < 10 THEN 'enrolled' ELSE 'in_progress' END)::enrollment_status
                      AS status) st
    """),
    ("lesson progress", """
        INSERT INTO student_progress (enrollment_id, user_id, course_id, lesson_id, is_completed,
                                      completion_percentage, completed_at, last_accessed_at)
        SELECT e.id, e.user_id, e.course_id, l.id, done, CASE WHEN done THEN 100 ELSE 40 END,
               CASE WHEN done THEN e.enrolled_at + interval '1 day' END, e.enrolled_at + interval '1 day'
        FROM enrollments e
        JOIN course_sections s ON s.course_id = e.course_id
        JOIN course_lessons l ON l.section_id = s.id,
             LATERAL (SELECT e.status = 'completed' OR l.sort_order = 1 AS done) d
        WHERE e.status IN ('in_progress', 'completed') AND e.id IN (
            SELECT md5('bench-enrollment-' || n)::uuid FROM generate_series(2, 2 * {STUDENTS} + 1) n)
    """),
    ("notifications", """
        INSERT INTO notifications (user_id, type, title, message, created_at)
        SELECT md5('bench-user-' || g)::uuid, 'enrollment', 'Hello', 'Bench notification',
               now() - (n || ' minutes')::interval
        FROM generate_series(1, {NOTIFIED_USERS}) g, generate_series(1, {NOTIFICATIONS_PER_USER}) n
    """),
]
TABLES = ("organizations", "users", "user_roles", "teams", "team_members", "instructor_profiles", "courses",
          "course_sections", "course_lessons", "enrollments", "student_progress", "notifications")
SIZES = {"ORGS": ORGS, "USERS": ORGS * USERS_PER_ORG, "CROSS_ORG_GRANTS": CROSS_ORG_GRANTS,
         "INSTRUCTORS": INSTRUCTORS, "COURSES": COURSES, "COURSES_OF_LARGEST": COURSES_OF_LARGEST,
         "STUDENTS": STUDENTS, "ENROLLMENTS_PER_STUDENT": ENROLLMENTS_PER_STUDENT,
         "LESSONS_PER_COURSE": LESSONS_PER_COURSE, "TEAMS_PER_ORG": TEAMS_PER_ORG,
         "MEMBERS_PER_TEAM": MEMBERS_PER_TEAM, "NOTIFIED_USERS": NOTIFIED_USERS,
         "NOTIFICATIONS_PER_USER": NOTIFICATIONS_PER_USER}


def populate() -> None:
    """Build the data set once (the bench database keeps it). Triggers are off while loading: maintained
    counters, notifications and realtime events are not what this bench measures."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id "
                       "WHERE u.id = md5('bench-user-1')::uuid")
        if cursor.fetchone()[0] >= NOTIFICATIONS_PER_USER:
            return
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:  # the table owner may switch its own tables' triggers off (foreign keys stay checked)
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for label, sql in DATA:
            print(f"  {label} ...", end="", flush=True)
            block = time.perf_counter()
            cursor.execute(sql.format(**SIZES))
            print(f" {time.perf_counter() - block:.1f} s", flush=True)
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE " + ", ".join(TABLES))
    print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)


def run(sql: str, params: list, caller: str | None) -> float:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if caller is not OWNER:
            cursor.execute("SET LOCAL ROLE humanglue_app; SELECT set_config('app.current_user_id', %s, true)",
                           [caller])
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        return (time.perf_counter() - started) * 1000


def plan(sql: str, params: list, caller: str | None) -> str:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if caller is not OWNER:
            cursor.execute("SET LOCAL ROLE humanglue_app; SELECT set_config('app.current_user_id', %s, true)",
                           [caller])
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, params)
        return "\n".join("      " + row[0] for row in cursor.fetchall())


@dataclass
class Actors:
    anonymous: str
    student: str  # in_progress enrollment, home org with org courses, one cross-organization grant
    student_course: str  # the student's in_progress course (published)
    course_slug: str  # a published course of the catalog
    instructor_largest: str  # 1 in 12 enrollments are in their courses
    largest_course: str  # the largest instructor's course with the most enrollments
    instructor_typical: str
    typical_course: str
    org_admin: str
    org_id: str
    team_id: str
    reader: str  # has notifications


def actors() -> Actors:
    from django.db import connection

    def one(sql: str) -> str:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return str(cursor.fetchone()[0])

    # a student with a cross-organization grant and an in_progress enrollment in a published course
    student = one("SELECT e.user_id FROM enrollments e JOIN courses c ON c.id = e.course_id "
                  "JOIN user_roles r ON r.user_id = e.user_id AND r.organization_id IS NOT NULL "
                  "WHERE e.status = 'in_progress' AND c.status = 'published' ORDER BY e.id LIMIT 1")
    org_admin = one(f"SELECT md5('bench-user-' || {SIZES['USERS']})::uuid")
    return Actors(
        anonymous="",
        student=student,
        student_course=one(f"SELECT e.course_id FROM enrollments e JOIN courses c ON c.id = e.course_id "
                           f"WHERE e.user_id = '{student}' AND e.status = 'in_progress' AND c.status = 'published' "
                           "LIMIT 1"),
        course_slug=one("SELECT slug FROM courses WHERE status = 'published' "
                        "ORDER BY created_at DESC OFFSET 100 LIMIT 1"),
        instructor_largest=one("SELECT md5('bench-instructor-1')::uuid"),
        largest_course=one("SELECT e.course_id FROM enrollments e JOIN courses c ON c.id = e.course_id "
                           "WHERE c.instructor_id = md5('bench-instructor-1')::uuid "
                           "GROUP BY e.course_id ORDER BY count(*) DESC LIMIT 1"),
        instructor_typical=one("SELECT md5('bench-instructor-100')::uuid"),
        typical_course=one("SELECT e.course_id FROM enrollments e JOIN courses c ON c.id = e.course_id "
                           "WHERE c.instructor_id = md5('bench-instructor-100')::uuid "
                           "GROUP BY e.course_id ORDER BY count(*) DESC LIMIT 1"),
        org_admin=org_admin,
        org_id=one(f"SELECT organization_id FROM users WHERE id = '{org_admin}'"),
        team_id=one(f"SELECT t.id FROM teams t JOIN users u ON u.organization_id = t.organization_id "
                    f"WHERE u.id = '{org_admin}' ORDER BY t.name LIMIT 1"),
        reader=one("SELECT md5('bench-user-1')::uuid"),
    )


def queries(a: Actors) -> list[tuple[str, str, str, list]]:
    """(label, caller, sql, params): the list queries the API runs most."""
    catalog = ("SELECT id, title, slug, price_amount, level FROM courses WHERE status = 'published' "
               "ORDER BY created_at DESC LIMIT 20")
    roster = ("SELECT e.id, u.full_name, u.email, e.status, e.progress_percentage "
              "FROM enrollments e JOIN users u ON u.id = e.user_id "
              "WHERE e.course_id = %s ORDER BY e.enrolled_at DESC LIMIT 50")
    teaching = ("SELECT e.id, u.full_name, u.email, c.title, e.status, e.progress_percentage "
                "FROM enrollments e JOIN courses c ON c.id = e.course_id JOIN users u ON u.id = e.user_id "
                "WHERE c.instructor_id = %s ORDER BY e.enrolled_at DESC LIMIT 50")
    return [
        ("catalog, anonymous: newest published courses (20)", a.anonymous, catalog, []),
        ("catalog, student: newest published courses (20)", a.student, catalog, []),
        ("catalog, anonymous: one course by slug", a.anonymous,
         "SELECT id, title, description, price_amount, instructor_id FROM courses WHERE slug = %s", [a.course_slug]),
        ("instructor (typical): all their enrollments (50)", a.instructor_typical, teaching,
         [a.instructor_typical]),
        ("instructor (typical): one course's enrollments (50)", a.instructor_typical, roster, [a.typical_course]),
        ("instructor (largest): one course's enrollments (50)", a.instructor_largest, roster, [a.largest_course]),
        ("student: own enrollments with course titles", a.student,
         "SELECT e.id, c.title, e.status, e.progress_percentage FROM enrollments e "
         "JOIN courses c ON c.id = e.course_id WHERE e.user_id = %s ORDER BY e.enrolled_at DESC", [a.student]),
        ("student: own progress in one course", a.student,
         "SELECT lesson_id, is_completed, completion_percentage FROM student_progress "
         "WHERE user_id = %s AND course_id = %s", [a.student, a.student_course]),
        ("org admin: one page of the org's users by e-mail", a.org_admin,
         "SELECT id, email, full_name FROM users WHERE organization_id = %s ORDER BY email LIMIT 50", [a.org_id]),
        ("org admin: the org itself", a.org_admin, "SELECT id, name FROM organizations WHERE id = %s", [a.org_id]),
        ("org admin: the org's teams", a.org_admin,
         "SELECT id, name, is_active FROM teams WHERE organization_id = %s ORDER BY name", [a.org_id]),
        ("org admin: one team's members with names", a.org_admin,
         "SELECT m.user_id, u.full_name, m.role FROM team_members m JOIN users u ON u.id = m.user_id "
         "WHERE m.team_id = %s ORDER BY m.role, u.full_name", [a.team_id]),
        ("org admin: the org's grants", a.org_admin,
         "SELECT user_id, role, expires_at FROM user_roles WHERE organization_id = %s", [a.org_id]),
        ("a user's latest notifications (page of 50)", a.reader,
         "SELECT id, title, created_at FROM notifications WHERE user_id = %s ORDER BY created_at DESC LIMIT 50",
         [a.reader]),
        ("a user's unread notification count", a.reader,
         "SELECT count(*) FROM notifications WHERE user_id = %s AND read_at IS NULL", [a.reader]),
    ]


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--only", default="", help="time only the queries whose label contains this text")
    args = parser.parse_args()
    setup_django()
    populate()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), (SELECT count(*) FROM users), "
                       "(SELECT count(*) FROM courses), (SELECT count(*) FROM enrollments), "
                       "(SELECT count(*) FROM student_progress), (SELECT count(*) FROM notifications)")
        version, *counts = cursor.fetchone()
    print(f"PostgreSQL {version}; users {counts[0]:,}; courses {counts[1]:,}; enrollments {counts[2]:,}; "
          f"progress {counts[3]:,}; notifications {counts[4]:,}; repeat {args.repeat}")
    print(f"{'query':54} {'owner p50':>9} {'app p50':>9} {'owner p95':>9} {'app p95':>9} {'p50 x':>6} {'p95 x':>6}")
    misses, measured = 0, [q for q in queries(actors()) if args.only in q[0]]
    for label, caller, sql, params in measured:
        for _ in range(5):  # warm caches and plans
            run(sql, params, OWNER), run(sql, params, caller)
        owner, app = [], []
        for _ in range(args.repeat):  # alternate, so both roles see the same machine noise
            owner.append(run(sql, params, OWNER))
            app.append(run(sql, params, caller))
        o50, a50, o95, a95 = statistics.median(owner), statistics.median(app), p95(owner), p95(app)
        ratio = a95 / o95
        flag = "" if ratio <= TARGET else "  > target"
        print(f"{label:54} {o50:9.3f} {a50:9.3f} {o95:9.3f} {a95:9.3f} {a50 / o50:5.2f}x {ratio:5.2f}x{flag}",
              flush=True)
        if ratio > TARGET:
            misses += 1
            print("    plan as the owner:\n" + plan(sql, params, OWNER))
            print("    plan under the app role:\n" + plan(sql, params, caller))
    print(f"{misses} of {len(measured)} p95 ratios above {TARGET}x" if misses else f"every p95 ratio within {TARGET}x")


if __name__ == "__main__":
    main()
