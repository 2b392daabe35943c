"""``python manage.py seed``: the small demo data set (each app's seed.py, run by humanglue/seeding.py)."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection

from humanglue.management.commands.seed import SEED_APPS
from humanglue.seeding import contract_tables, per_table, seed_demo, seed_module, table_counts
from instructors.models import Course, Enrollment, InstructorSettings, StudentActivity
from notifications.models import Notification
from organizations.enums import ENUM_TYPES
from organizations.models import Organization, User
from organizations.seed import DEMO_LOGINS, DEMO_PASSWORD
from payments.models import Payment, RevenueTransaction
from talent.models import EngagementRequest, TalentProfile
from workshops.models import Workshop


def table_digests() -> dict[str, str]:
    """One md5 per contract table over every row's full text: any changed value changes it."""
    digests = {}
    with connection.cursor() as cursor:
        for table in contract_tables():
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM {name} t")
            digests[table] = cursor.fetchone()[0]
    return digests


def enum_columns() -> dict[str, list[tuple[str, str, bool]]]:
    """enum type -> [(table, column, is_array)] over the contract's tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT coalesce(elem.typname, t.typname), c.relname, a.attname, elem.typname IS NOT NULL
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_type elem ON elem.oid = t.typelem AND elem.typtype = 'e'
            WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relname = ANY(%s)
              AND (t.typtype = 'e' OR elem.typname IS NOT NULL)
            """,
            [contract_tables()],
        )
        columns: dict[str, list[tuple[str, str, bool]]] = {}
        for enum, table, column, is_array in cursor.fetchall():
            columns.setdefault(enum, []).append((table, column, is_array))
    return columns


def owner_paths(model: Any, seen: tuple[Any, ...] = ()) -> list[str]:
    """ORM lookups from ``model`` to the users a row belongs to: its NOT NULL foreign keys to users (both
    parties where there are two, e.g. client and expert), or, for a table without one, those of its NOT NULL
    parents (an answer belongs to its assessment's user). Nullable ones (graded_by, issued_by...) are audit
    pointers, not owners."""
    direct = [f.name for f in model._meta.concrete_fields
              if f.is_relation and not f.null and f.related_model is User]
    if direct:
        return direct
    return [f"{f.name}__{path}" for f in model._meta.concrete_fields
            if f.is_relation and not f.null and f.related_model not in (*seen, model)
            for path in owner_paths(f.related_model, (*seen, model))]


def per_user_tables() -> dict[str, tuple[Any, list[str]]]:
    """Every contract table whose rows belong to users, derived from the models (a new table or owner column
    is picked up without editing this test): table -> (model, owner lookups)."""
    tables = set(contract_tables())
    found = {}
    for model in apps.get_models():
        if model._meta.db_table in tables and model is not User:
            paths = owner_paths(model)
            if paths:
                found[model._meta.db_table] = (model, paths)
    return found


def values_in(table: str, column: str, is_array: bool) -> set[str]:
    qn = connection.ops.quote_name
    expression = f"unnest({qn(column)})" if is_array else qn(column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT ({expression})::text FROM {qn(table)}")
        return {value for (value,) in cursor.fetchall() if value is not None}


def seed_small() -> dict[str, int]:
    """The demo data set as the command writes it: rows created per contract table."""
    return per_table(seed_demo(SEED_APPS, StringIO()))


@pytest.mark.django_db(transaction=True)
def test_second_run_changes_nothing_and_says_so() -> None:
    first = StringIO()
    call_command("seed", stdout=first)
    counts, digests = table_counts(), table_digests()
    assert "seeded:" in first.getvalue() and "already seeded" not in first.getvalue()

    second = StringIO()
    call_command("seed", stdout=second)  # a separate transaction: now() differs, so any write would show
    assert "already seeded: nothing to do" in second.getvalue()
    assert table_counts() == counts
    assert table_digests() == digests
    for _label, email in DEMO_LOGINS:
        assert email in second.getvalue()
    assert DEMO_PASSWORD in second.getvalue()


@pytest.mark.django_db
def test_seed_small_reports_created_rows_and_then_zero() -> None:
    created = seed_small()
    assert created == table_counts()  # the database was empty: everything in it was created by the seed
    assert seed_small() == dict.fromkeys(contract_tables(), 0)


def test_every_app_has_a_seed_module_in_the_seed_order() -> None:
    """Each app owns its seed (DESIGN.md §1): every project app is in the command's order, once, and has
    ``<app>/seed.py`` with its demo and scale slices."""
    root = Path(__file__).resolve().parents[2]
    project_apps = {config.label for config in apps.get_app_configs()
                    if Path(config.path).parent == root and config.label != "humanglue"}
    assert len(SEED_APPS) == len(set(SEED_APPS)) and set(SEED_APPS) == project_apps
    for label in SEED_APPS:
        module = seed_module(label)
        assert module.__name__ == f"{label}.seed"
        assert callable(module.seed_demo) and callable(module.seed_scale), label


@pytest.mark.django_db
def test_each_app_seeds_its_own_tables_and_a_second_run_creates_nothing() -> None:
    created = seed_demo(SEED_APPS, StringIO())
    written = {label: {table for table, count in counts.items() if count} for label, counts in created.items()}
    for label in SEED_APPS:
        owned = {model._meta.db_table for model in apps.get_app_config(label).get_models()} & set(contract_tables())
        # Revenue rows have one producer, the payments trigger, which runs in the slices that sell.
        assert owned - {"revenue_transactions"} <= written[label], label
    assert seed_demo(SEED_APPS, StringIO()) == {label: dict.fromkeys(contract_tables(), 0) for label in SEED_APPS}


@pytest.mark.django_db
def test_every_contract_table_has_rows() -> None:
    seed_small()
    counts = table_counts()
    assert len(counts) == 29
    assert [table for table, count in counts.items() if count == 0] == []
    assert 180 <= sum(counts.values()) <= 400  # "about 200 rows"


@pytest.mark.django_db
def test_every_per_user_table_has_rows_of_users_of_both_organizations() -> None:
    """Issue 9: leak tests prove nothing on a table whose rows all belong to one organization's users. For
    every owner column of every per-user table, the seed has rows of an Acme user and of a Globex user (by
    their home organization), so at least two users of two organizations."""
    seed_small()
    tables = per_user_tables()
    # The derivation finds the private tables, the two-party ones and the ones owned through a parent.
    assert {"quiz_attempts", "assessment_responses", "workshop_feedback", "student_progress", "notifications",
            "payments"} <= set(tables)
    assert tables["consultations"][1] == ["user", "expert"]
    assert tables["assessment_responses"][1] == ["assessment__user"]
    assert not {"organizations", "teams", "courses", "course_sections", "course_lessons"} & set(tables)
    lacking = {}
    for table, (model, paths) in sorted(tables.items()):
        for path in paths:
            orgs = set(model.objects.values_list(f"{path}__organization__slug", flat=True))
            if not {"acme", "globex"} <= orgs:
                lacking[f"{table}.{path}"] = sorted(org or "-" for org in orgs)
    assert lacking == {}


@pytest.mark.django_db
def test_every_enum_value_used_by_a_column_appears() -> None:
    seed_small()
    columns = enum_columns()
    # content_type is one of the 16 enums but no column uses it (lessons use lesson_type).
    assert "content_type" not in columns
    assert set(columns) == set(ENUM_TYPES) - {"content_type"}
    missing = {}
    for enum, used_by in columns.items():
        seen = set().union(*(values_in(*column) for column in used_by))
        expected = set(ENUM_TYPES[enum].values)
        if seen != expected:
            missing[enum] = sorted(expected - seen)
    assert missing == {}


@pytest.mark.django_db
def test_main_enum_columns_each_cover_their_enum() -> None:
    seed_small()
    for table, column, enum in [
        ("enrollments", "status", "enrollment_status"), ("workshops", "status", "workshop_status"),
        ("workshops", "format", "workshop_type"), ("workshops", "level", "course_difficulty"),
        ("courses", "status", "course_status"), ("courses", "level", "course_difficulty"),
        ("courses", "pillar", "ai_pillar"), ("course_lessons", "content_type", "lesson_type"),
        ("workshop_registrations", "status", "registration_status"), ("payments", "status", "payment_status"),
        ("consultations", "status", "consultation_status"), ("assessments", "status", "assessment_status"),
        ("assessments", "pillar", "ai_pillar"), ("student_activity", "activity_type", "activity_type"),
        ("revenue_transactions", "transaction_type", "transaction_type"),
        ("instructor_settings", "payout_schedule", "payout_schedule"), ("users", "role", "user_role"),
    ]:
        assert values_in(table, column, False) == set(ENUM_TYPES[enum].values), (table, column)


@pytest.mark.django_db
def test_demo_logins_authenticate() -> None:
    seed_small()
    for label, email in DEMO_LOGINS:
        user = authenticate(username=email, password=DEMO_PASSWORD)
        assert user is not None and user.is_active, label
    assert authenticate(username=DEMO_LOGINS[0][1], password="wrong password") is None


@pytest.mark.django_db
def test_every_role_of_the_leak_matrix_has_a_login() -> None:
    seed_small()
    users = {email: User.objects.get(email=email) for _label, email in DEMO_LOGINS}
    by_label = {label: users[email] for label, email in DEMO_LOGINS}
    acme, globex = Organization.objects.get(slug="acme"), Organization.objects.get(slug="globex")
    with connection.cursor() as cursor:
        cursor.execute("SELECT app.user_is_platform_admin(%s)", [by_label["platform admin"].pk])
        assert cursor.fetchone()[0] is True
    for org, tag in ((acme, "Acme"), (globex, "Globex")):
        assert (by_label[f"org admin, {tag}"].organization, by_label[f"org admin, {tag}"].role) == (org, "org_admin")
        assert by_label[f"member, {tag}"].organization == org
        assert by_label[f"member, {tag}"].role == "member"
        assert Enrollment.objects.filter(user=by_label[f"student, {tag}"]).exists()
        assert Course.objects.filter(instructor=by_label[f"instructor, {tag}"], organization=org).exists()
    assert TalentProfile.objects.filter(user=by_label["expert"]).exists()
    outsider = by_label["outsider (no organization)"]
    assert outsider.organization is None
    assert not outsider.role_grants.exists() and not Enrollment.objects.filter(user=outsider).exists()


@pytest.mark.django_db
def test_triggers_did_the_bookkeeping() -> None:
    seed_small()
    full = Workshop.objects.get(slug="adaptive-leadership-live")
    assert (full.capacity_total, full.capacity_remaining, full.enrolled_count, full.waitlist_count) == (3, 0, 3, 2)

    assert set(StudentActivity.objects.values_list("activity_type", flat=True)) == {
        "enrolled", "lesson_started", "lesson_completed", "quiz_passed", "quiz_failed", "assignment_submitted",
        "course_completed", "workshop_registered", "workshop_attended", "certificate_earned", "comment_posted",
        "question_asked"}
    assert set(Notification.objects.values_list("type", flat=True)) == {
        "enrollment", "workshop_registration", "completion", "review", "question", "payment", "announcement",
        "co_instructor_update", "workshop_checkin"}

    progress = dict(Enrollment.objects.filter(user__email="alice.kim@acme.example")
                    .values_list("course__slug", "progress_percentage"))
    assert progress == {"coaching-fundamentals": 100, "leading-through-change": 60}

    # Revenue: one sale row per completed item payment, refunds negative, totals are net sums.
    sales = RevenueTransaction.objects.exclude(transaction_type="refund")
    assert sales.count() == Payment.objects.filter(status__in=("completed", "refunded")).exclude(
        payment_type="subscription").count()
    assert set(RevenueTransaction.objects.values_list("transaction_type", flat=True)) == {
        "course_enrollment", "workshop_registration", "consultation", "refund"}
    assert all(row.amount < 0 for row in RevenueTransaction.objects.filter(transaction_type="refund"))
    strategy = Course.objects.get(slug="ai-marketplace-strategy")
    assert strategy.total_revenue == Decimal("100.00")  # 149.00 sale, 49.00 refunded
    assert Workshop.objects.get(slug="coaching-masterclass").total_revenue == Decimal("59.00")  # one kept, one refunded

    engagement = EngagementRequest.objects.get(client__email="alice.kim@acme.example")
    assert (engagement.status, engagement.payment_status, engagement.hours_used) == (
        "active", "completed", Decimal("1.50"))
    assert TalentProfile.objects.get(user__email="ava.johnson@humanglue.example").review_count == 1
    assert set(InstructorSettings.objects.values_list("payout_schedule", flat=True)) == {
        "weekly", "biweekly", "monthly"}


def test_readme_lists_the_demo_logins() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Demo data", 1)[1]
    assert DEMO_PASSWORD in section
    assert [email for _label, email in DEMO_LOGINS if email not in section] == []
