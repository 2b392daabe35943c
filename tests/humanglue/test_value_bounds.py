"""Value bounds (issue 9 item 11): NaN, blank titles, unbounded text, bad formats and unknown time zones
are refused by the database (23514 with the rule's name), for the app role and the owner alike.

The attacks run as the app role, each by a caller whom the policies let write the row; the catalogue
tests then check every rule of humanglue/db/bounds.py against the live database, and that every numeric,
text, array and jsonb column of the contract is bounded somewhere.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from humanglue.contract import load_contract
from humanglue.db import bounds
from instructors.models import Course
from tests.db import fetch, refused
from tests.sample_data import build_one_of_each
from tests.world import World, acting_as, build_world

pytestmark = pytest.mark.django_db

TABLES = load_contract()["tables"]


@pytest.fixture
def world() -> World:
    return build_world()


def execute(statement: str, params: list | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.rowcount


# --- NaN in money and scores ------------------------------------------------------------------------

def test_instructor_cannot_price_a_course_nan(world: World) -> None:
    course = world.a.rows["course"]
    with acting_as(world.a.instructor):
        with refused("23514", "courses_price_amount_finite"):
            execute("UPDATE courses SET price_amount = 'NaN' WHERE id = %s", [course.pk])
        # An infinity does not fit numeric(10,2) at all (22003, answered 400).
        with refused("22003"):
            execute("UPDATE courses SET price_amount = 'Infinity' WHERE id = %s", [course.pk])
        # Ordinary prices still pass.
        assert execute("UPDATE courses SET price_amount = 49.90 WHERE id = %s", [course.pk]) == 1


def test_instructor_cannot_price_a_workshop_nan(world: World) -> None:
    workshop = world.a.rows["workshop"]
    with acting_as(world.a.instructor):
        with refused("23514", "workshops_price_amount_finite"):
            execute("UPDATE workshops SET price_amount = 'NaN' WHERE id = %s", [workshop.pk])


def test_instructor_cannot_set_a_nan_payout_minimum(world: World) -> None:
    with acting_as(world.a.instructor):
        with refused("23514", "instructor_settings_minimum_payout_amount_finite"):
            execute("UPDATE instructor_settings SET minimum_payout_amount = 'NaN' WHERE user_id = %s",
                    [world.a.instructor.pk])


def test_expert_cannot_set_a_nan_hourly_rate(world: World) -> None:
    with acting_as(world.a.expert):
        with refused("23514", "talent_profiles_hourly_rate_finite"):
            execute("UPDATE talent_profiles SET hourly_rate = 'NaN' WHERE user_id = %s", [world.a.expert.pk])


def test_nan_payment_never_reaches_revenue(world: World) -> None:
    """A NaN payment used to complete and turn the instructor's total revenue into NaN."""
    course = world.a.rows["course"]
    insert = ("INSERT INTO payments (user_id, course_id, payment_type, amount, currency, provider, "
              "transaction_id, status) VALUES (%s, %s, 'course', 'NaN', 'USD', 'stripe', %s, %s)")
    with acting_as(world.a.student):
        with refused("23514", "payments_amount_finite"):
            execute(insert, [world.a.student.pk, course.pk, "pi_nan_pending", "pending"])
    # Not even the payment-completion path (system context) may store it.
    with refused("23514", "payments_amount_finite"):
        execute(insert, [world.a.student.pk, course.pk, "pi_nan_completed", "completed"])
    (total,) = fetch("SELECT total_revenue FROM courses WHERE id = %s", [course.pk])[0]
    assert not total.is_nan()


# --- Blank and unbounded text, oversized jsonb ----------------------------------------------------------

def test_instructor_cannot_store_blank_or_huge_course_text(world: World) -> None:
    course = world.a.rows["course"]
    with acting_as(world.a.instructor):
        for blank in ("", "   ", "\t\n"):
            with refused("23514", "courses_title_not_blank"):
                execute("UPDATE courses SET title = %s WHERE id = %s", [blank, course.pk])
        with refused("23514", "courses_title_length"):
            execute("UPDATE courses SET title = %s WHERE id = %s", ["x" * 1_000_000, course.pk])
        with refused("23514", "courses_description_length"):
            execute("UPDATE courses SET description = %s WHERE id = %s",
                    ["x" * (bounds.LONG_TEXT_LENGTH + 1), course.pk])
        with refused("23514", "courses_metadata_size"):
            execute("UPDATE courses SET metadata = jsonb_build_object('blob', repeat('x', %s)) WHERE id = %s",
                    [bounds.JSON_BYTES, course.pk])
        with refused("23514", "courses_tags_size"):
            execute("UPDATE courses SET tags = array_fill('t'::text, ARRAY[%s]) WHERE id = %s",
                    [bounds.ARRAY_ITEMS + 1, course.pk])
        # The limits themselves are allowed.
        assert execute("UPDATE courses SET title = %s, description = %s WHERE id = %s",
                       ["T" * bounds.NAME_LENGTH, "d" * bounds.LONG_TEXT_LENGTH, course.pk]) == 1


def test_org_admin_cannot_blank_a_team_name(world: World) -> None:
    with acting_as(world.a.org_admin):
        with refused("23514", "teams_name_not_blank"):
            execute("UPDATE teams SET name = ' ' WHERE id = %s", [world.a.rows["team"].pk])


def test_user_cannot_blank_their_name_or_store_megabytes_of_preferences(world: World) -> None:
    with acting_as(world.a.member):
        with refused("23514", "users_full_name_not_blank"):
            execute("UPDATE users SET full_name = '  ' WHERE id = %s", [world.a.member.pk])
        with refused("23514", "users_preferences_size"):
            execute("UPDATE users SET preferences = jsonb_build_object('blob', repeat('x', 10000000)) "
                    "WHERE id = %s", [world.a.member.pk])


def test_system_written_titles_fit_their_bounds(world: World) -> None:
    """Triggers build activity titles as '<verb> ' || a title: a title at its limit must still fit."""
    course = world.a.rows["course"]
    lesson = world.a.rows["course_lesson"]
    execute("UPDATE courses SET title = %s WHERE id = %s", ["C" * bounds.NAME_LENGTH, course.pk])
    execute("UPDATE course_lessons SET title = %s WHERE id = %s", ["L" * bounds.NAME_LENGTH, lesson.pk])
    execute("UPDATE student_progress SET is_completed = true, completion_percentage = 100, completed_at = now() "
            "WHERE user_id = %s AND lesson_id = %s", [world.a.student.pk, lesson.pk])
    assert fetch("SELECT count(*) FROM student_activity WHERE lesson_id = %s AND activity_type = "
                 "'lesson_completed'", [lesson.pk]) == [(1,)]


# --- Formats: e-mail, currency, slug -------------------------------------------------------------------

def test_formats_are_refused(world: World) -> None:
    with acting_as(world.a.org_admin):
        for slug in ("Bad Slug", "UPPER", "-lead", "trail_", "double--dash", "a/b", "ünï", "x" * 101):
            reason = "organizations_slug_length" if len(slug) > 100 else "organizations_slug_format"
            with refused("23514", reason):
                execute("UPDATE organizations SET slug = %s WHERE id = %s", [slug, world.a.org.pk])
    with acting_as(world.a.instructor):
        for currency in ("usd", "US", "EURO", ""):
            with refused("23514", "courses_currency_format"):
                execute("UPDATE courses SET currency = %s WHERE id = %s", [currency, world.a.rows["course"].pk])
    for email in ("not-an-email", "a@b", "two@@example.com", "sp ace@example.com"):
        with refused("23514", "users_email_format"):
            execute("UPDATE users SET email = %s WHERE id = %s", [email, world.a.member.pk])
    with refused("23514", "users_email_length"):
        execute("UPDATE users SET email = %s WHERE id = %s", ["x" * 250 + "@example.com", world.a.member.pk])
    assert execute("UPDATE users SET email = 'first.last+tag@sub.example.org' WHERE id = %s",
                   [world.a.member.pk]) == 1


def test_course_slugs_made_from_titles_fit_the_slug_rule(world: World) -> None:
    course = Course.objects.create(title="AI_for   Everyone: Über-Basics!", pillar="coaching",
                                   instructor=world.a.instructor, organization=world.a.org)
    assert re.fullmatch(bounds.SLUG_PATTERN, course.slug), course.slug


# --- Time zones ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("tz", ["Mars/Phobos", "foo+3", "UTC+99", "europe/paris", "", " UTC", "x" * 10_000])
def test_unknown_time_zones_are_refused(world: World, tz: str) -> None:
    with acting_as(world.a.member):
        with refused("23514", "invalid_timezone"):
            execute("UPDATE users SET timezone = %s WHERE id = %s", [tz, world.a.member.pk])
    with acting_as(world.a.expert):
        with refused("23514", "invalid_timezone"):
            execute("UPDATE talent_profiles SET timezone = %s WHERE user_id = %s", [tz, world.a.expert.pk])
    with acting_as(world.a.instructor):
        with refused("23514", "invalid_timezone"):
            execute("UPDATE workshops SET timezone = %s WHERE id = %s", [tz, world.a.rows["workshop"].pk])


def test_known_time_zones_pass_and_the_owner_is_checked_too(world: World) -> None:
    with acting_as(world.a.member):
        for tz in ("Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "UTC"):
            assert execute("UPDATE users SET timezone = %s WHERE id = %s", [tz, world.a.member.pk]) == 1
    # A validation, not a restriction: system context is checked as well.
    with refused("23514", "invalid_timezone"):
        execute("UPDATE users SET timezone = 'Nowhere/Land' WHERE id = %s", [world.a.member.pk])
    assert fetch("SELECT app.is_valid_timezone('Asia/Kolkata'), app.is_valid_timezone('Asia/Nowhere'), "
                 "app.is_valid_timezone(NULL)") == [(True, False, False)]


# --- Every rule, against the live database ---------------------------------------------------------------

def bad_value(rule: bounds.Rule, column_type: str) -> str:
    """An SQL expression that breaks ``rule`` through the rule's own column."""
    limit = int(m.group(1)) if (m := re.search(r"<= (\d+)$", rule.expression)) else 0
    c = rule.column
    if rule.rule == "finite":
        return "'NaN'::numeric"
    if rule.rule == "not_blank":
        return "E' \\t '"
    if rule.rule == "length":
        return f"repeat('x', {limit}) || '@example.com'" if c == "email" else f"repeat('x', {limit + 1})"
    if rule.rule == "size" and column_type == "jsonb":
        # The same shape as the stored value, so that a jsonb_typeof CHECK does not answer first.
        big = f"repeat('x', {limit})"
        return (f"CASE jsonb_typeof({c}) WHEN 'array' THEN jsonb_build_array({big}) "
                f"ELSE jsonb_build_object('x', {big}) END")
    if rule.rule == "size":
        element = column_type.removesuffix("[]")
        item = "'x'::text" if element == "text" else f"(enum_range(NULL::{element}))[1]"
        return f"array_fill({item}, ARRAY[{bounds.ARRAY_ITEMS + 1}])"
    return {"email": "'no-at-sign'", "currency": "'usd'", "slug": "'Not A Slug'"}[c]


def refusal_reason(statement: str, params: list) -> str:
    with pytest.raises(DatabaseError) as info:
        with transaction.atomic():
            execute(statement, params)
    cause = info.value.__cause__
    assert cause.sqlstate == "23514", (statement, cause)
    return cause.diag.constraint_name


def older_checks_by_column() -> dict[tuple[str, str], set[str]]:
    """Landed CHECK constraints per (table, column): PostgreSQL tests CHECKs in name order, so one of
    them (``payments_refund_amount_check`` before ``payments_refund_amount_finite``) may refuse first."""
    new = {rule.name for rule in bounds.RULES}
    found: dict[tuple[str, str], set[str]] = {}
    for table, column, name in fetch("""
            SELECT c.conrelid::regclass::text, a.attname, c.conname FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
            WHERE c.contype = 'c' AND c.connamespace = 'public'::regnamespace"""):
        if name not in new:
            found.setdefault((table, column), set()).add(name)
    return found


def test_every_rule_refuses_its_bad_value(world: World) -> None:
    """As the owner, with the tables' own triggers off: only the CHECK constraints speak."""
    rows = {obj._meta.db_table: obj for obj in world.a.rows.values() if hasattr(obj, "_meta")}
    rows["users"] = world.a.member
    assert {rule.table for rule in bounds.RULES} <= set(rows)
    older = older_checks_by_column()
    generated = {(t, c) for t, spec in TABLES.items() for c, col in spec["columns"].items() if col["generated"]}
    execute("SET CONSTRAINTS ALL IMMEDIATE")  # pending deferred FK checks would block ALTER TABLE
    for table in sorted({rule.table for rule in bounds.RULES}):
        execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    for rule in bounds.RULES:
        if (rule.table, rule.column) in generated:
            continue  # quiz_attempts.percentage: reached through score, just below
        obj = rows[rule.table]
        column_type = TABLES[rule.table]["columns"][rule.column]["type"]
        expected = {rule.name} | older.get((rule.table, rule.column), set())
        if rule.table == "quiz_attempts" and rule.rule == "finite":
            expected.add("quiz_attempts_percentage_finite")  # a NaN score makes a NaN percentage
        reason = refusal_reason(
            f"UPDATE {rule.table} SET {rule.column} = {bad_value(rule, column_type)} WHERE {obj._meta.pk.column} = %s",
            [obj.pk])
        assert reason in expected, (rule.name, reason)
        if rule.rule == "length" and rule.column != "email":
            # The limit itself passes: the database's limit is the one written in bounds.py.
            limit = int(re.search(r"<= (\d+)$", rule.expression).group(1))
            execute(f"UPDATE {rule.table} SET {rule.column} = repeat('x', %s) WHERE {obj._meta.pk.column} = %s",
                    [limit, obj.pk])
    for table in sorted({rule.table for rule in bounds.RULES}):
        execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def test_every_rule_exists_validated_under_its_name() -> None:
    live = dict(fetch("SELECT conname, convalidated FROM pg_constraint WHERE contype = 'c' "
                      "AND connamespace = 'public'::regnamespace"))
    missing = [rule.name for rule in bounds.RULES if rule.name not in live]
    assert not missing
    assert all(live[rule.name] for rule in bounds.RULES)


def test_every_column_of_the_contract_is_bounded() -> None:
    """A new numeric, text, array or jsonb column fails here until humanglue/db/bounds.py bounds it."""
    kinds = {table: columns for table, (_app, columns) in bounds.COLUMNS.items()}
    unbounded = []
    for table, spec in TABLES.items():
        for column, col in spec["columns"].items():
            typ = col["type"]
            if not (typ.startswith(("numeric", "text", "character varying", "jsonb")) or typ.endswith("[]")
                    or typ == "tsvector"):
                continue
            if column in kinds.get(table, {}) or column in bounds.ALREADY_BOUNDED.get(table, set()):
                continue
            if column == "timezone" and table in bounds.TIMEZONE_TABLES:
                continue
            unbounded.append(f"{table}.{column} ({typ})")
    assert not unbounded
    for table, columns in kinds.items():
        for column, kind in columns.items():
            typ = TABLES[table]["columns"][column]["type"]
            assert (kind == "finite") == typ.startswith("numeric"), (table, column, kind, typ)


# --- Forward-only: rows stored before the rules are kept and reported -------------------------------------

BEFORE_BOUNDS = [("organizations", "0003_users_teaching_relation"), ("instructors", "0004_dashboard"),
                 ("payments", "0004_revenue_totals")]


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_and_reports_rows_that_break_new_rules(capsys: pytest.CaptureFixture[str]) -> None:
    for app, migration in BEFORE_BOUNDS:
        call_command("migrate", app, migration, verbosity=0)
    rows = build_one_of_each("m")
    course, student = rows["course"], rows["student"]
    # What the landed schema let through: a NaN payment that completed (and made the revenue NaN), an
    # over-long title, an unknown time zone.
    execute("INSERT INTO payments (user_id, course_id, payment_type, amount, currency, provider, transaction_id, "
            "status) VALUES (%s, %s, 'course', 'NaN', 'USD', 'stripe', 'pi_legacy_nan', 'completed')",
            [student.pk, course.pk])
    execute("UPDATE courses SET title = %s WHERE id = %s", ["x" * 300, course.pk])
    execute("UPDATE users SET timezone = 'Mars/Phobos' WHERE id = %s", [student.pk])
    assert fetch("SELECT total_revenue::text FROM courses WHERE id = %s", [course.pk]) == [("NaN",)]
    capsys.readouterr()

    call_command("migrate", verbosity=0)

    out = capsys.readouterr().out
    for table, rule in [("payments", "payments_amount_finite"), ("courses", "courses_title_length"),
                        ("courses", "courses_total_revenue_finite"),
                        ("revenue_transactions", "revenue_transactions_amount_finite")]:
        assert f"value bounds: {table}: 1 existing row(s) violate {rule}; the constraint stays NOT VALID" in out
    assert "value bounds: users: 1 existing row(s) break the rule invalid_timezone" in out
    # Nothing was lost or changed.
    assert fetch("SELECT char_length(title), total_revenue::text FROM courses WHERE id = %s",
                 [course.pk]) == [(300, "NaN")]
    assert fetch("SELECT timezone FROM users WHERE id = %s", [student.pk]) == [("Mars/Phobos",)]
    assert fetch("SELECT amount::text FROM payments WHERE transaction_id = 'pi_legacy_nan'") == [("NaN",)]
    # Broken rules stay NOT VALID, the others are validated, and new writes are checked either way.
    validated = dict(fetch("SELECT conname, convalidated FROM pg_constraint WHERE conname = ANY(%s)",
                           [["courses_title_length", "payments_amount_finite", "courses_slug_format",
                             "users_full_name_not_blank"]]))
    assert validated == {"courses_title_length": False, "payments_amount_finite": False,
                         "courses_slug_format": True, "users_full_name_not_blank": True}
    with refused("23514", "courses_title_length"):
        execute("UPDATE courses SET title = %s WHERE id = %s", ["y" * 300, rows["course"].pk])
    with refused("23514", "payments_amount_finite"):
        execute("INSERT INTO payments (user_id, course_id, payment_type, amount, currency, provider, "
                "transaction_id, status) VALUES (%s, %s, 'course', 'NaN', 'USD', 'stripe', 'pi_new_nan', "
                "'completed')", [student.pk, course.pk])
