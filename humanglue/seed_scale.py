"""``seed --scale N``: benchmark volumes bulk-loaded with COPY (N=1: 1M enrollments and what goes with them).

Per table, in one transaction, with triggers off for that transaction only: as a superuser owner
``SET LOCAL session_replication_role = replica`` (no user or foreign-key triggers), otherwise
``ALTER TABLE ... DISABLE TRIGGER USER`` (allowed to the table owner; foreign keys stay checked),
then ``COPY``. Rows that triggers would have produced
(progress rows, activity, revenue) are generated here explicitly; the maintained counters are then
computed by ``rebuild_instructor_counters(false)`` and checked with a dry run, which must report
zero drift. Ids are deterministic (``<table code>-<scale run>-...-<n>``), so a run can be detected
and is not repeated.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TextIO

from django.db import connection
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

# Volumes for N = 1; every figure is multiplied by N.
ORGANIZATIONS = 20
INSTRUCTORS = 2_000
STUDENTS = 200_000
COURSES = 10_000
COURSES_OF_LARGEST_INSTRUCTOR = 200
ENROLLMENTS_PER_STUDENT = 5
LARGEST_SHARE = 0.08  # share of enrollments that go to the largest instructor's courses
SECTIONS_PER_COURSE, LESSONS_PER_SECTION = 2, 2
LESSON_TYPES = ("video", "article", "quiz", "assignment", "live_session")
PILLARS = ("adaptability", "coaching", "marketplace")
LEVELS = ("beginner", "intermediate", "advanced")
FEE_PCT = Decimal("20.00")
BATCH = 20_000
NOW = datetime(2026, 11, 1, tzinfo=UTC)

TABLE_CODES = {"organizations": 0x5C0A0001, "users": 0x5C0A0002, "instructor_profiles": 0x5C0A0003,
               "courses": 0x5C0A0004, "course_sections": 0x5C0A0005, "course_lessons": 0x5C0A0006,
               "enrollments": 0x5C0A0007, "student_progress": 0x5C0A0008, "student_activity": 0x5C0A0009,
               "course_reviews": 0x5C0A000A, "payments": 0x5C0A000B, "revenue_transactions": 0x5C0A000C}


def ts(value: datetime) -> str:
    return value.isoformat()


@dataclass
class Plan:
    """Everything generated for one run, shared between the tables' row generators."""

    run: int
    rng: random.Random
    instructors: int
    students: int
    courses: int
    course_instructor: list[int]
    course_price: list[Decimal]
    course_org: list[int | None]
    enrollments: list[tuple[int, int, int, str, int]]  # (enrollment n, student, course, status, progress)

    @property
    def orgs(self) -> int:
        return ORGANIZATIONS


def build_plan(scale: int, run: int) -> Plan:
    rng = random.Random(1000 + run)
    instructors, students, courses = INSTRUCTORS * scale, STUDENTS * scale, COURSES * scale
    # The largest instructor (index 0) owns COURSES_OF_LARGEST_INSTRUCTOR courses; the rest are spread evenly.
    course_instructor = [0] * COURSES_OF_LARGEST_INSTRUCTOR + [
        1 + i % (instructors - 1) for i in range(courses - COURSES_OF_LARGEST_INSTRUCTOR)]
    course_price = [Decimal(0) if i % 10 < 3 else Decimal(19 + (i * 37) % 181) for i in range(courses)]
    course_org = [None if i % 4 == 0 else i % ORGANIZATIONS for i in range(courses)]
    largest = range(COURSES_OF_LARGEST_INSTRUCTOR)
    statuses = ("enrolled",) * 30 + ("in_progress",) * 35 + ("completed",) * 25 + ("dropped",) * 10
    enrollments: list[tuple[int, int, int, str, int]] = []
    n = 0
    for student in range(students):
        chosen: set[int] = set()
        while len(chosen) < ENROLLMENTS_PER_STUDENT:
            if rng.random() < LARGEST_SHARE:
                chosen.add(rng.choice(largest))
            else:
                chosen.add(rng.randrange(COURSES_OF_LARGEST_INSTRUCTOR, courses))
        for course in sorted(chosen):
            status = rng.choice(statuses)
            if status in ("enrolled", "completed"):
                progress = 0 if status == "enrolled" else 100
            else:
                progress = rng.choice((25, 50, 75))
            enrollments.append((n, student, course, status, progress))
            n += 1
    return Plan(run, rng, instructors, students, courses, course_instructor, course_price, course_org, enrollments)


# --- Row generators (one per table, in load order) -----------------------------------------------------
# COPY text lines are built with plain f-strings from precomputed ids and timestamps: the values are
# ours (no tab, newline or backslash), and per-value adaptation would dominate the run time.

NULL = "\\N"  # COPY text format


class Ids:
    """Precomputed id strings and timestamp strings for one plan."""

    def __init__(self, p: Plan) -> None:
        self.prefix = {table: f"{code:08x}-{p.run:04x}-4000-8000-" for table, code in TABLE_CODES.items()}
        self.user = [self.of("users", i) for i in range(p.instructors + p.students)]
        self.org = [self.of("organizations", i) for i in range(p.orgs)]
        self.course = [self.of("courses", c) for c in range(p.courses)]
        self.lesson = [self.of("course_lessons", n)
                       for n in range(p.courses * SECTIONS_PER_COURSE * LESSONS_PER_SECTION)]
        # enrolled_at depends on n % 1440 only (days n % 360, minutes n % 1440).
        base = [NOW - timedelta(days=1 + n % 360, minutes=n % 1440) for n in range(1440)]
        self.enrolled_at = [ts(b) for b in base]
        self.accessed_at = [ts(b + timedelta(days=3)) for b in base]
        self.completed_at = [ts(b + timedelta(days=20)) for b in base]
        self.lesson_done_at = [[ts(b + timedelta(days=k + 1)) for b in base]
                               for k in range(SECTIONS_PER_COURSE * LESSONS_PER_SECTION)]

    def of(self, table: str, n: int) -> str:
        return f"{self.prefix[table]}{n:012x}"


_IDS: dict[int, Ids] = {}


def ids(p: Plan) -> Ids:
    if id(p) not in _IDS:
        _IDS.clear()
        _IDS[id(p)] = Ids(p)
    return _IDS[id(p)]


def organizations(p: Plan) -> Iterator[str]:
    i = ids(p)
    for n in range(p.orgs):
        yield f"{i.org[n]}\tScale org {p.run}-{n}\tscale-{p.run}-org-{n}\tgrowth\n"


def users(p: Plan) -> Iterator[str]:
    i = ids(p)
    for n in range(p.instructors):
        yield (f"{i.user[n]}\tscale{p.run}-instructor-{n}@example.com\tInstructor {n}\t"
               f"{i.org[n % p.orgs]}\tmember\n")
    for s in range(p.students):
        yield (f"{i.user[p.instructors + s]}\tscale{p.run}-student-{s}@example.com\tStudent {s}\t"
               f"{i.org[s % p.orgs]}\tmember\n")


def instructor_profiles(p: Plan) -> Iterator[str]:
    i = ids(p)
    for n in range(p.instructors):
        yield f"{i.of('instructor_profiles', n)}\t{i.user[n]}\tTeaches adaptability at scale.\tInstructor\n"


def courses(p: Plan) -> Iterator[str]:
    i = ids(p)
    published = ts(NOW - timedelta(days=400))
    for c in range(p.courses):
        org = NULL if p.course_org[c] is None else i.org[p.course_org[c]]
        yield (f"{i.course[c]}\tScale course {c}\tscale-{p.run}-course-{c}\t{PILLARS[c % 3]}\t{LEVELS[c % 3]}\t"
               f"{i.user[p.course_instructor[c]]}\t{org}\tpublished\t"
               f"{published}\t{p.course_price[c]}\n")


def course_sections(p: Plan) -> Iterator[str]:
    i = ids(p)
    for c in range(p.courses):
        for s in range(SECTIONS_PER_COURSE):
            yield f"{i.of('course_sections', c * SECTIONS_PER_COURSE + s)}\t{i.course[c]}\tSection {s + 1}\t{s}\n"


def lesson_n(course: int, k: int) -> int:
    return course * SECTIONS_PER_COURSE * LESSONS_PER_SECTION + k


def course_lessons(p: Plan) -> Iterator[str]:
    i = ids(p)
    for c in range(p.courses):
        for s in range(SECTIONS_PER_COURSE):
            section = i.of("course_sections", c * SECTIONS_PER_COURSE + s)
            for lesson in range(LESSONS_PER_SECTION):
                k = s * LESSONS_PER_SECTION + lesson
                yield (f"{i.lesson[lesson_n(c, k)]}\t{section}\tLesson {k + 1}\t"
                       f"{LESSON_TYPES[k % len(LESSON_TYPES)]}\t{lesson}\t10\n")


LESSONS = SECTIONS_PER_COURSE * LESSONS_PER_SECTION


def enrollments(p: Plan) -> Iterator[str]:
    i = ids(p)
    prefix = i.prefix["enrollments"]
    for n, student, course, status, progress in p.enrollments:
        done = progress * LESSONS // 100
        last_lesson = i.lesson[lesson_n(course, done - 1)] if done else NULL
        accessed = i.accessed_at[n % 1440] if progress else NULL
        completed = i.completed_at[n % 1440] if status == "completed" else NULL
        yield (f"{prefix}{n:012x}\t{i.org[student % p.orgs]}\t{i.user[p.instructors + student]}\t"
               f"{i.course[course]}\t{status}\t{progress}\t{last_lesson}\t{accessed}\t"
               f"{i.enrolled_at[n % 1440]}\t{completed}\n")


def student_progress(p: Plan) -> Iterator[str]:
    i = ids(p)
    prefix, enrollment_prefix = i.prefix["student_progress"], i.prefix["enrollments"]
    for n, student, course, _status, progress in p.enrollments:
        done = progress * LESSONS // 100
        head = f"{enrollment_prefix}{n:012x}\t{i.user[p.instructors + student]}\t{i.course[course]}\t"
        for k in range(LESSONS):
            if k < done:
                tail = f"t\t100\t600\t{i.lesson_done_at[k][n % 1440]}\n"
            else:
                tail = "f\t0\t0\t\\N\n"
            yield f"{prefix}{n * LESSONS + k:012x}\t{head}{i.lesson[lesson_n(course, k)]}\t{tail}"


def student_activity(p: Plan) -> Iterator[str]:
    i = ids(p)
    prefix = i.prefix["student_activity"]
    m = 0
    for n, student, course, status, _progress in p.enrollments:
        who = f"{i.user[p.course_instructor[course]]}\t{i.user[p.instructors + student]}"
        yield (f"{prefix}{m:012x}\t{who}\tenrolled\tEnrolled in Scale course {course}\t{i.course[course]}\t"
               f"{i.enrolled_at[n % 1440]}\n")
        m += 1
        if status == "completed":
            yield (f"{prefix}{m:012x}\t{who}\tcourse_completed\tCompleted Scale course {course}\t"
                   f"{i.course[course]}\t{i.completed_at[n % 1440]}\n")
            m += 1


def course_reviews(p: Plan) -> Iterator[str]:
    i = ids(p)
    for n, student, course, status, _progress in p.enrollments:
        if status == "completed" and n % 3 == 0:
            yield (f"{i.of('course_reviews', n)}\t{i.course[course]}\t{i.user[p.instructors + student]}\t"
                   f"{i.of('enrollments', n)}\t{3 + n % 3}\tt\n")


def _paid(p: Plan) -> Iterator[tuple[int, int, int, Decimal]]:
    for n, student, course, _status, _progress in p.enrollments:
        price = p.course_price[course]
        if price > 0:
            yield n, student, course, price


def payments(p: Plan) -> Iterator[str]:
    i = ids(p)
    for n, student, course, price in _paid(p):
        at = i.enrolled_at[n % 1440]
        yield (f"{i.of('payments', n)}\t{i.user[p.instructors + student]}\t{price}\tstripe\t"
               f"pi_scale_{p.run}_{n}\tcompleted\tcourse\t{i.course[course]}\t{at}\t{at}\n")


FEES = {}


def revenue_transactions(p: Plan) -> Iterator[str]:
    i = ids(p)
    for n, student, course, price in _paid(p):
        if price not in FEES:
            fee = (price * FEE_PCT / 100).quantize(Decimal("0.01"))
            FEES[price] = (fee, price - fee)
        fee, earnings = FEES[price]
        yield (f"{i.of('revenue_transactions', n)}\t{i.user[p.course_instructor[course]]}\t"
               f"{i.user[p.instructors + student]}\tcourse_enrollment\t{price}\t{FEE_PCT}\t{fee}\t{earnings}\t"
               f"{i.course[course]}\t{i.of('enrollments', n)}\t{i.of('payments', n)}\tstripe\t"
               f"pi_scale_{p.run}_{n}\tcompleted\t{'paid' if n % 2 else 'pending'}\t{i.enrolled_at[n % 1440]}\n")


TABLES: list[tuple[str, str, Callable[[Plan], Iterator[str]], Callable[[Plan], int]]] = [
    ("organizations", "id, name, slug, subscription_tier", organizations, lambda p: p.orgs),
    ("users", "id, email, full_name, organization_id, role", users, lambda p: p.instructors + p.students),
    ("instructor_profiles", "id, user_id, bio, professional_title", instructor_profiles, lambda p: p.instructors),
    ("courses", "id, title, slug, pillar, level, instructor_id, organization_id, status, published_at, price_amount",
     courses, lambda p: p.courses),
    ("course_sections", "id, course_id, title, sort_order", course_sections,
     lambda p: p.courses * SECTIONS_PER_COURSE),
    ("course_lessons", "id, section_id, title, content_type, sort_order, duration_minutes", course_lessons,
     lambda p: p.courses * SECTIONS_PER_COURSE * LESSONS_PER_SECTION),
    ("enrollments", "id, organization_id, user_id, course_id, status, progress_percentage, last_accessed_lesson_id, "
     "last_accessed_at, enrolled_at, completed_at", enrollments, lambda p: len(p.enrollments)),
    ("student_progress", "id, enrollment_id, user_id, course_id, lesson_id, is_completed, completion_percentage, "
     "time_spent_seconds, completed_at", student_progress,
     lambda p: len(p.enrollments) * SECTIONS_PER_COURSE * LESSONS_PER_SECTION),
    ("student_activity", "id, instructor_id, student_id, activity_type, activity_title, course_id, occurred_at",
     student_activity, lambda p: len(p.enrollments) + sum(1 for e in p.enrollments if e[3] == "completed")),
    ("course_reviews", "id, course_id, user_id, enrollment_id, rating, is_published", course_reviews,
     lambda p: sum(1 for e in p.enrollments if e[3] == "completed" and e[0] % 3 == 0)),
    ("payments", "id, user_id, amount, provider, transaction_id, status, payment_type, course_id, processed_at, "
     "created_at", payments, lambda p: sum(1 for _ in _paid(p))),
    ("revenue_transactions", "id, instructor_id, student_id, transaction_type, amount, platform_fee_percentage, "
     "platform_fee_amount, instructor_earnings, course_id, enrollment_id, payment_id, payment_provider, "
     "payment_provider_transaction_id, payment_status, payout_status, transaction_date", revenue_transactions,
     lambda p: sum(1 for _ in _paid(p))),
]


def existing_runs() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM organizations WHERE slug LIKE 'scale-%%-org-0'")
        return cursor.fetchone()[0]


def seed_scale(scale: int, stdout: TextIO, run: int | None = None) -> dict[str, Any]:
    """Load ``scale`` units of benchmark data; returns the figures it printed."""
    if scale < 1:
        raise ValueError("--scale must be at least 1")
    console = Console(file=stdout)
    done = existing_runs()
    if run is None and done >= scale:
        console.print(f"scale data already loaded ({done} unit(s)): nothing to do")
        return {"rows": 0, "skipped": True}
    run = done + 1 if run is None else run
    console.print(f"planning scale {scale} (run {run}) ...")
    plan = build_plan(scale, run)
    figures: dict[str, Any] = {"tables": {}}
    pg = _raw_connection()
    total_rows, total_seconds = 0, 0.0
    with Progress(TextColumn("{task.description:22}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[rate]:>12}"), TimeRemainingColumn(), console=console) as progress:
        for table, columns, generate, count in TABLES:
            expected = count(plan)
            task = progress.add_task(table, total=expected, rate="")
            started = time.perf_counter()
            rows = _copy(pg, table, columns, generate(plan), lambda n, t=task: progress.advance(t, n))  # noqa: B023
            seconds = time.perf_counter() - started
            progress.update(task, rate=f"{rows / seconds:,.0f} rows/s")
            figures["tables"][table] = {"rows": rows, "seconds": round(seconds, 2)}
            total_rows += rows
            total_seconds += seconds
    rate = total_rows / total_seconds if total_seconds else 0
    baseline = _baseline_rate(pg)
    console.print(f"COPY: {total_rows:,} rows in {total_seconds:.1f} s = [bold]{rate:,.0f} rows/s[/] "
                  f"({rate / baseline:.2f}x the baseline of {baseline:,.0f} rows/s: a bare 7-column temporary "
                  f"table with no index, measured in this run)")
    figures.update(rows=total_rows, seconds=round(total_seconds, 2), rows_per_second=round(rate),
                   baseline_rows_per_second=round(baseline))

    started = time.perf_counter()
    _vacuum_analyze(pg, [t for t, *_ in TABLES], vacuum=False)  # statistics first: the repair plans need them
    repaired = _call_rebuild(dry_run=False)
    console.print(f"rebuild_instructor_counters(false): {sum(repaired.values()):,} counter rows computed "
                  f"in {time.perf_counter() - started:.1f} s")
    _vacuum_analyze(pg, [t for t, *_ in TABLES] + ["workshops"])
    drift = _call_rebuild(dry_run=True)
    console.print("rebuild_instructor_counters(true): " + ", ".join(f"{k}={v}" for k, v in drift.items()))
    console.print("[bold green]zero drift[/]" if not any(drift.values()) else "[bold red]counters drift[/]")
    figures["drift"] = drift
    return figures


def _raw_connection() -> Any:
    connection.ensure_connection()
    return connection.connection


def _copy(pg: Any, table: str, columns: str, lines: Iterator[str], advance: Callable[[int], None]) -> int:
    """COPY ``lines`` into ``table`` in one transaction with its triggers off.

    Secondary indexes that back no constraint are dropped for the load and built again afterwards, in
    the same transaction (one sorted build is far cheaper than a million random insertions, above
    all for the trigram GIN indexes); the table is locked meanwhile, as a bulk load may be.
    """
    count = 0
    superuser = _is_superuser(pg)
    with pg.transaction(), pg.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(
            """
            SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i
            WHERE indrelid = %s::regclass AND NOT indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [table],
        )
        secondary = cursor.fetchall()
        for name, _definition in secondary:
            cursor.execute(f"DROP INDEX {name}")
        if superuser:
            # Replica mode for this transaction only: no user triggers and no per-row foreign-key
            # triggers (the rows are consistent by construction); CHECKs and unique indexes still apply.
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            # A non-superuser table owner may only switch off its own triggers; FKs stay checked, at once,
            # because a deferred check still queued would block ENABLE TRIGGER.
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            buffer: list[str] = []
            for line in lines:
                buffer.append(line)
                if len(buffer) >= BATCH:
                    copy.write("".join(buffer))
                    count += len(buffer)
                    advance(len(buffer))
                    buffer.clear()
            if buffer:
                copy.write("".join(buffer))
                count += len(buffer)
                advance(len(buffer))
        for _name, definition in secondary:
            cursor.execute(definition)
        if not superuser:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    return count


def _baseline_rate(pg: Any, rows: int = 200_000) -> float:
    """What COPY alone reaches on this server and machine: the ceiling the load is compared with."""
    lines = "".join(
        f"5c0a00ff-0000-4000-8000-{n:012x}\t5c0a00ff-0001-4000-8000-{n:012x}\tbaseline\t{n}\t{n % 100}\t"
        f"2026-11-01T00:00:00+00:00\tt\n" for n in range(rows))
    with pg.transaction(), pg.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE seed_scale_baseline (a uuid, b uuid, c text, d integer, "
                       "e integer, f timestamptz, g boolean) ON COMMIT DROP")
        started = time.perf_counter()
        with cursor.copy("COPY seed_scale_baseline FROM STDIN") as copy:
            for i in range(0, len(lines), 4_000_000):
                copy.write(lines[i:i + 4_000_000])
        seconds = time.perf_counter() - started
    return rows / seconds


def _is_superuser(pg: Any) -> bool:
    with pg.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])


def _call_rebuild(*, dry_run: bool) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT counter, mismatched FROM rebuild_instructor_counters(%s)", [dry_run])
        return dict(cursor.fetchall())


def _vacuum_analyze(pg: Any, tables: list[str], vacuum: bool = True) -> None:
    """Set the visibility map and statistics (index-only scans for the dashboards); needs autocommit."""
    autocommit = pg.autocommit
    pg.autocommit = True
    try:
        with pg.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM (ANALYZE) {table}" if vacuum else f"ANALYZE {table}")
    finally:
        pg.autocommit = autocommit
