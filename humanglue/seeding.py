"""What the apps' seeds share; ``python manage.py seed`` runs them in the order it lists.

Each app owns its seed data (DESIGN.md §1): ``<app>/seed.py`` has ``seed_demo(ctx)``, its slice of the
small demo data set, and ``seed_scale(ctx)``, its slice of the benchmark volumes. This module holds
nothing of any one app, only what the slices share: the stable keys and the demo context (the rows
a later slice points at), the scale plan and its ids, the COPY loader and the two runners.

Both runs are as the owner (no security context): the seed is an operator command (conventions §1).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from importlib import import_module
from types import ModuleType
from typing import Any, TextIO

from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from humanglue.contract import load_contract


def seed_module(app_label: str) -> ModuleType:
    """The app's ``seed`` module (every app of the seed order has one)."""
    return import_module(f"{apps.get_app_config(app_label).name}.seed")


def contract_tables() -> list[str]:
    return sorted(load_contract()["tables"])


def table_counts() -> dict[str, int]:
    """Rows per contract table (as the owner: row-level security does not apply)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in contract_tables():
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


# --- the small demo data set ---------------------------------------------------------------------------
# About 290 rows in the 29 contract tables: two organizations (Acme, Globex) with teams and members, three
# instructors with courses, sections and lessons, students at different stages, workshops (one full with a
# waitlist), assessments, four experts (two independent, one in each organization) with engagements and
# consultations, payments (completed, pending, failed, refunded), certificates, notifications and presence.
#
# How the slices write it:
# - Through the ORM and the payments services, so the database's triggers produce what they own: per-lesson
#   progress rows and the progress roll-up, course and workshop counters, seats and the waitlist, ratings,
#   engagement hours, revenue rows and item totals, payment mirrors, activity and the instructors'
#   notifications. No slice writes a counter, mirror, revenue row or trigger notification. Activity types
#   and notification types that no trigger produces are inserted directly, as an API endpoint or a job would.
# - Two tenants in every private table: every table whose rows belong to users (each of its owner columns:
#   user, student, client, expert, instructor...) has rows of an Acme user and of a Globex user, so that a
#   leak test on the seed can see a row cross the tenant wall (tests/humanglue/test_seed.py derives the
#   tables from the models).
# - Coverage: every value of every enum that a column uses appears (the ``content_type`` enum has no column,
#   so it has nothing to cover); all 12 ``activity_type`` values, all 4 ``transaction_type`` values (course,
#   workshop, consultation and engagement payments, two refunds) and the 3 payout schedules.
#
# Stable keys: every row a slice inserts has ``uuid5(SEED_NAMESPACE, <readable key>)`` as its id, or is
# found by its natural unique key (e-mail, slug, (user, course), transaction id...). A row that already
# exists is left alone, and the follow-up steps of a row (progress, payment completion, grading...) run
# only in the run that created it. The whole data set is one transaction.

SEED_NAMESPACE = uuid.UUID("6f1c9a52-3b7e-5d4a-9c11-4e5b8f2a7d30")

Fields = dict[str, Any]


def sid(key: str) -> uuid.UUID:
    """The seed's stable id for ``key``."""
    return uuid.uuid5(SEED_NAMESPACE, key)


class DemoContext:
    """The primitives of the demo slices and the rows one slice hands to the next.

    The rows are kept by the seed's readable name (``users["alice"]``, ``courses["resilient-teams"]``);
    they are the apps' model instances, typed ``Any`` because the platform does not import the apps' models.
    """

    def __init__(self, stdout: TextIO) -> None:
        self.out = stdout
        self.app = ""  # the app whose slice runs (progress lines)
        self.now = timezone.now().replace(minute=0, second=0, microsecond=0)
        self.users: dict[str, Any] = {}
        self.names: dict[uuid.UUID, str] = {}  # user id -> the seed's name for the user (readable keys)
        self.orgs: dict[str, Any] = {}
        self.courses: dict[str, Any] = {}
        self.lessons: dict[str, Any] = {}  # "<course slug>:<lesson number>"
        self.workshops: dict[str, Any] = {}

    def row(self, model: type[models.Model], key: str, natural: Fields | None = None,
            **fields: Any) -> tuple[Any, bool]:
        """The row with id ``sid(key)`` (or the given natural key); inserted with ``fields`` when missing."""
        pk = sid(key)
        existing = model._default_manager.filter(pk=pk).first()
        if existing is None and natural:
            existing = model._default_manager.filter(**natural).first()
        if existing is not None:
            return existing, False
        obj = model(pk=pk, **(natural or {}), **fields)
        obj.save(force_insert=True)
        return obj, True

    def at(self, days: float, hour: int | None = None) -> datetime:
        moment = self.now + timedelta(days=days)
        return moment.replace(hour=hour) if hour is not None else moment

    def say(self, text: str) -> None:
        self.out.write(f"  {self.app}: {text}\n")


def seed_demo(app_labels: Sequence[str], stdout: TextIO) -> dict[str, dict[str, int]]:
    """Run each app's demo slice in order where its rows are missing, in one transaction.

    Returns the rows created per app and contract table, the rows its writes made the triggers produce
    included (an enrollment's progress rows and notifications count for the slice that enrolled). A
    second run creates nothing and returns zeros.
    """
    created: dict[str, dict[str, int]] = {}
    with transaction.atomic():
        ctx = DemoContext(stdout)
        for label in app_labels:
            ctx.app = label
            before = table_counts()
            seed_module(label).seed_demo(ctx)
            after = table_counts()
            created[label] = {table: after[table] - before[table] for table in before}
    return created


def per_table(created: dict[str, dict[str, int]]) -> dict[str, int]:
    """``seed_demo``'s counts summed over the apps: rows created per contract table."""
    return {table: sum(counts[table] for counts in created.values()) for table in contract_tables()}


# --- benchmark volumes (``seed --scale N``) ------------------------------------------------------------
# Each app's ``seed_scale(ctx)`` loads its tables through ``ctx.copy``: per table, in one transaction,
# with triggers off for that transaction only: as a superuser owner ``SET LOCAL session_replication_role =
# replica`` (no user or foreign-key triggers), otherwise ``ALTER TABLE ... DISABLE TRIGGER USER`` (allowed
# to the table owner; foreign keys stay checked), then ``COPY``. Rows that triggers would have produced
# (progress rows, activity, revenue) are generated by the slices explicitly; the maintained counters are
# then computed by ``rebuild_instructor_counters(false)`` and checked with a dry run, which must report
# zero drift. Ids are deterministic (``<table code>-<scale run>-...-<n>``), so a run can be detected and
# is not repeated.

# Volumes for N = 1; every figure is multiplied by N. The plan below is shared by the slices (which
# student takes which course), so its shape lives here rather than in one app.
ORGANIZATIONS = 20
INSTRUCTORS = 2_000
STUDENTS = 200_000
COURSES = 10_000
COURSES_OF_LARGEST_INSTRUCTOR = 200
ENROLLMENTS_PER_STUDENT = 5
LARGEST_SHARE = 0.08  # share of enrollments that go to the largest instructor's courses
SECTIONS_PER_COURSE, LESSONS_PER_SECTION = 2, 2
LESSONS = SECTIONS_PER_COURSE * LESSONS_PER_SECTION
BATCH = 20_000
NOW = datetime(2026, 11, 1, tzinfo=UTC)

# One code per table, so that the ids of different tables never collide.
TABLE_CODES = {"organizations": 0x5C0A0001, "users": 0x5C0A0002, "instructor_profiles": 0x5C0A0003,
               "courses": 0x5C0A0004, "course_sections": 0x5C0A0005, "course_lessons": 0x5C0A0006,
               "enrollments": 0x5C0A0007, "student_progress": 0x5C0A0008, "student_activity": 0x5C0A0009,
               "course_reviews": 0x5C0A000A, "payments": 0x5C0A000B, "revenue_transactions": 0x5C0A000C}

NULL = "\\N"  # COPY text format


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


def lesson_n(course: int, k: int) -> int:
    """The plan's number of the ``k``-th lesson of ``course``."""
    return course * LESSONS + k


class Ids:
    """Precomputed id strings and timestamp strings for one plan (the ones several tables point at).

    COPY text lines are built with plain f-strings from these: the values are ours (no tab, newline or
    backslash), and per-value adaptation would dominate the run time.
    """

    def __init__(self, p: Plan) -> None:
        self.prefix = {table: f"{code:08x}-{p.run:04x}-4000-8000-" for table, code in TABLE_CODES.items()}
        self.user = [self.of("users", i) for i in range(p.instructors + p.students)]
        self.org = [self.of("organizations", i) for i in range(p.orgs)]
        self.course = [self.of("courses", c) for c in range(p.courses)]
        self.lesson = [self.of("course_lessons", n) for n in range(p.courses * LESSONS)]
        # enrolled_at depends on n % 1440 only (days n % 360, minutes n % 1440).
        base = [NOW - timedelta(days=1 + n % 360, minutes=n % 1440) for n in range(1440)]
        self.enrolled_at = [ts(b) for b in base]
        self.accessed_at = [ts(b + timedelta(days=3)) for b in base]
        self.completed_at = [ts(b + timedelta(days=20)) for b in base]
        self.lesson_done_at = [[ts(b + timedelta(days=k + 1)) for b in base] for k in range(LESSONS)]

    def of(self, table: str, n: int) -> str:
        return f"{self.prefix[table]}{n:012x}"


class ScaleContext:
    """What the scale slices share: the plan, its ids, and ``copy`` with a progress bar per table."""

    def __init__(self, plan: Plan, pg: Any, progress: Progress) -> None:
        self.plan = plan
        self._pg = pg
        self._progress = progress
        self.tables: dict[str, dict[str, Any]] = {}  # table -> rows and seconds, in load order
        self.rows = 0
        self.seconds = 0.0

    @cached_property
    def ids(self) -> Ids:
        # Built on first use, inside the first table's load, as the figures have always counted it.
        return Ids(self.plan)

    def copy(self, table: str, columns: str, lines: Iterator[str], expected: int) -> int:
        """COPY ``lines`` (generated lazily) into ``table``; ``expected`` sizes the progress bar."""
        task = self._progress.add_task(table, total=expected, rate="")
        started = time.perf_counter()
        rows = _copy(self._pg, table, columns, lines, lambda n: self._progress.advance(task, n))
        seconds = time.perf_counter() - started
        self._progress.update(task, rate=f"{rows / seconds:,.0f} rows/s")
        self.tables[table] = {"rows": rows, "seconds": round(seconds, 2)}
        self.rows += rows
        self.seconds += seconds
        return rows


def existing_runs() -> int:
    """Scale runs already loaded: each run's first organization marks it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM organizations WHERE slug LIKE 'scale-%%-org-0'")
        return cursor.fetchone()[0]


def seed_scale(app_labels: Sequence[str], scale: int, stdout: TextIO, run: int | None = None) -> dict[str, Any]:
    """Load ``scale`` units of benchmark data, app by app in order; returns the figures it printed."""
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
    pg = _raw_connection()
    with Progress(TextColumn("{task.description:22}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[rate]:>12}"), TimeRemainingColumn(), console=console) as progress:
        ctx = ScaleContext(plan, pg, progress)
        for label in app_labels:
            seed_module(label).seed_scale(ctx)
    tables, total_rows, total_seconds = list(ctx.tables), ctx.rows, ctx.seconds
    rate = total_rows / total_seconds if total_seconds else 0
    baseline = _baseline_rate(pg)
    console.print(f"COPY: {total_rows:,} rows in {total_seconds:.1f} s = [bold]{rate:,.0f} rows/s[/] "
                  f"({rate / baseline:.2f}x the baseline of {baseline:,.0f} rows/s: a bare 7-column temporary "
                  f"table with no index, measured in this run)")
    figures: dict[str, Any] = {"tables": ctx.tables}
    figures.update(rows=total_rows, seconds=round(total_seconds, 2), rows_per_second=round(rate),
                   baseline_rows_per_second=round(baseline))

    started = time.perf_counter()
    _vacuum_analyze(pg, tables, vacuum=False)  # statistics first: the repair plans need them
    repaired = _call_rebuild(dry_run=False)
    console.print(f"rebuild_instructor_counters(false): {sum(repaired.values()):,} counter rows computed "
                  f"in {time.perf_counter() - started:.1f} s")
    _vacuum_analyze(pg, tables + ["workshops"])
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
