"""The machinery of the write matrix (tests/integration/test_write_matrix.py): its world, its callers,
the attack values and the attempts. What each caller may write is written down in tests/write_rules.py.

Tables and columns come from the contract, types, foreign keys, CHECK lists and unique keys from the
catalog, so a new table, column, enum label, CHECK list or foreign key takes part on its own.

UPDATE, per visible row and column (primary key aside), one column at a time:
- the new value comes from the column's type: enum: another label; bool: flipped; number: +1, then -1;
  text: a label of its CHECK list, else a changed text; jsonb: ``{"k": 1}``, else ``[{"k": 1}]``;
  timestamp/date: +1 day, then -1 day. A value that a CHECK or a validation trigger refuses is followed
  by the next one, so a column is refused only when no valid value gets through;
- a foreign key's new value is the attack: the same kind of row of the OTHER organization (tenant b's
  course for tenant a's row, b's student for a's student), then, for a user key, the caller;
- ``status``, ``role`` and ``payment_status`` try every other value, each its own key (``status=active``);
- ``written``: the owner reads the new value back; ``kept``: one row updated, value unchanged (a
  maintained column); ``refused``: an error (its SQLSTATE and reason recorded) or 0 rows.

INSERT, per row of the caller's tenant: a copy naming what a client would (the required columns, the
pointers, the unique text columns changed; the rest takes its defaults), once unchanged (``=``) and once
per foreign key pointed at the other organization's row. ``written`` when the owner finds the row with
that pointer; ``kept`` when a trigger replaced the pointer.

Attempts run as the app role inside ``acting_as``, through a client-side-binding cursor on Django's
connection, each in a savepoint that is rolled back, so no attempt sees another's effect. Foreign keys
(Django makes them DEFERRABLE INITIALLY DEFERRED) are checked per statement, as COMMIT would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID, uuid4

import psycopg
from django.db import connection
from django.utils import timezone

from humanglue.contract import load_contract
from instructors.models import Course, CourseLesson, Enrollment, InstructorProfile, QuizAttempt
from organizations.models import TeamMember, User, UserRoleGrant
from payments.models import Certificate, Payment
from talent.models import Consultation, EngagementRequest
from tests.sample_data import PASSWORD
from tests.world import World, acting_as, build_world
from workshops.models import Workshop

# The callers of the matrix: the leak matrix's kinds (the expert too: the talent tables are theirs), plus a
# team lead and a team lead who left the organization (item 7 of issue 9).
CALLERS = (
    "anonymous", "a_student", "a_instructor", "a_expert", "a_member", "a_team_lead", "a_former_lead",
    "a_org_admin", "b_org_admin", "outsider", "platform_admin",
)
TENANTS = ("a", "b")
OTHER = {"a": "b", "b": "a"}
# Labels of the tested rows of ``users`` besides the caller's own row (see ``update_targets``).
USER_TARGETS = ("member", "org_admin", "platform_admin")
# Columns whose every value is a separate key of the matrix (``status=active``): who may move a row to
# which state, or grant which role, is the rule, not merely whether the column changes.
STATE_COLUMNS = ("status", "role", "payment_status")
# A uuid that is no row's key (for uuid columns without a foreign key).
STRAY_UUID = "11111111-1111-4111-8111-111111111111"
SAVEPOINT = "write_matrix"
# The questions of the world's quiz lesson: two the server can grade (an index answer, a free-text answer).
QUIZ_QUESTIONS = [
    {"id": "q1", "text": "2 + 2?", "options": ["3", "4"], "answer": 1},
    {"id": "q2", "text": "Capital of France?", "correct_answer": "Paris"},
]

# --------------------------------------------------------------------------------------------------
# The schema, from the contract (which tables and columns) and the catalog (types, keys, checks)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # format_type(): the cast target of every value
    generated: bool
    is_array: bool
    labels: tuple[str, ...]  # enum labels, of the column's type or of its array's element type
    check_values: tuple[str, ...]  # literals of a one-column CHECK (col IN (...)) list
    references: str | None  # the table a foreign key on this column points at


@dataclass(frozen=True)
class Table:
    name: str
    pk: str
    columns: dict[str, Column]
    prefixed_on_insert: tuple[str, ...]  # text columns of unique keys: changed so that a copy is unique
    delete_template: bool  # a unique key (or exclusion) without a text column: the copy replaces the row
    required: tuple[str, ...]  # NOT NULL without a default: what an INSERT must name

    @property
    def pointers(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.references]


def table_names() -> list[str]:
    return list(load_contract()["tables"])


def _literals(definition: str) -> tuple[str, ...]:
    """``'x'::text`` literals of the ARRAY[...] of a ``col = ANY (ARRAY[...])`` CHECK."""
    found: list[str] = []
    for array in re.findall(r"ARRAY\[(.*?)\]", definition):
        found += [lit.replace("''", "'") for lit in re.findall(r"'((?:[^']|'')*)'", array)]
    return tuple(found)


@cache
def schema(name: str) -> Table:
    """One contract table as the catalog describes it (cached: the schema is the same in every test)."""
    contract_columns = load_contract()["tables"][name]["columns"]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attgenerated <> '',
                      t.typcategory = 'A',
                      ARRAY(SELECT e.enumlabel::text FROM pg_enum e
                            WHERE e.enumtypid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END
                            ORDER BY e.enumsortorder)
               FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
               WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""",
            [f"public.{name}"])
        attrs = cursor.fetchall()
        cursor.execute(
            """SELECT contype, conkey, confrelid::regclass::text, pg_get_constraintdef(oid)
               FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY array_length(conkey, 1), conname""",
            [f"public.{name}"])
        constraints = cursor.fetchall()
        cursor.execute(
            """SELECT indkey::int2[] FROM pg_index
               WHERE indrelid = %s::regclass AND indisunique AND NOT indisprimary""", [f"public.{name}"])
        unique_indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                       "AND attnotnull AND NOT atthasdef AND attgenerated = ''", [f"public.{name}"])
        not_null_without_default = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                       "AND a.attnum = i.indkey[0] WHERE i.indrelid = %s::regclass AND i.indisprimary",
                       [f"public.{name}"])
        pk = cursor.fetchone()[0]
    by_num = {num: attname for num, attname, *_ in attrs}
    references: dict[str, str] = {}
    checks: dict[str, tuple[str, ...]] = {}
    uniques: list[list[str]] = []
    delete_template = False
    for contype, conkey, target, definition in constraints:
        cols = [by_num[n] for n in conkey or [] if n in by_num]
        if contype == "f":
            for col in cols:
                references.setdefault(col, target.removeprefix("public."))
        elif contype == "c" and len(cols) == 1:
            checks[cols[0]] = checks.get(cols[0], ()) + _literals(definition)
        elif contype == "x":
            delete_template = True
    for key in unique_indexes:
        uniques.append([by_num[n] for n in key if n in by_num])  # 0 = an expression (lower(email))
    columns = {
        attname: Column(attname, typ, generated, is_array, tuple(labels), checks.get(attname, ()),
                        references.get(attname))
        for _, attname, typ, generated, is_array, labels in attrs if attname in contract_columns
    }
    prefixed: list[str] = []
    for cols in uniques:
        # a text column with a CHECK list cannot take a changed value; a key without another text column
        # is freed by deleting the template instead
        text_cols = [c for c in cols if c != pk and columns[c].type == "text" and not columns[c].check_values]
        if text_cols:
            prefixed += [c for c in text_cols if c not in prefixed]
        elif cols and cols != [pk]:
            delete_template = True
    required = tuple(attname for _, attname, *_ in attrs
                     if attname in columns and attname in not_null_without_default and attname != pk)
    return Table(name, pk, columns, tuple(prefixed), delete_template, required)


# --------------------------------------------------------------------------------------------------
# The world: tests/world.py plus what gives every policy something to decide on
# --------------------------------------------------------------------------------------------------


@dataclass
class MatrixWorld:
    world: World
    callers: dict[str, User | None]
    home: dict[str, str | None]  # caller -> its tenant ("a"/"b"), None for anonymous/outsider/platform admin
    rows: dict[str, dict[str, dict[str, Any]]]  # tenant -> table -> label -> primary key
    where: dict[Any, tuple[str, str]] = field(default_factory=dict)  # primary key -> (tenant, label)

    def tenant_rows(self, tenant: str, table: str) -> dict[str, Any]:
        return self.rows[tenant].get(table, {})


def build_matrix_world() -> MatrixWorld:
    """``build_world()`` (as the owner), with what gives every policy something to decide on: per
    tenant, the engagement request, consultation and payment tagged with the organization (org-admin
    policies), the course and workshop published, the engagement active, a second (pending) engagement,
    a standalone booking and a scheduled one, an expert role, an org-scoped ``member`` grant (what an org
    admin manages), a platform admin whose home is the organization (item 1), a gradable quiz lesson and
    a certificate whose holder completed the course (item 9). Tenant a also gets a team lead of its team
    and a former team lead who left the organization (item 7)."""
    world = build_world()
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    for tenant in TENANTS:
        t = getattr(world, tenant)
        org = t.org
        EngagementRequest.objects.filter(pk=t.rows["engagement_request"].pk).update(organization=org)
        Consultation.objects.filter(pk=t.rows["consultation"].pk).update(organization=org)
        Payment.objects.filter(pk=t.rows["payment"].pk).update(organization=org)
        # In the catalog and open, so that the self-service INSERT policies have something to accept.
        Course.objects.filter(pk=t.rows["course"].pk).update(status="published")
        Workshop.objects.filter(pk=t.rows["workshop"].pk).update(status="published")
        # Sessions may be scheduled in it ("Engagement parties can schedule sessions").
        EngagementRequest.objects.filter(pk=t.rows["engagement_request"].pk).update(status="active")
        # The sample rows are an engagement with a session; add a request still pending and a standalone
        # booking (the composite foreign key of a session pins its parties, these two have none).
        t.rows["engagement_pending"] = EngagementRequest.objects.create(
            client=t.student, expert=t.expert, organization=org, focus_area="Culture", hours_total=5,
            hourly_rate=Decimal("150.00"))
        start = timezone.now() + timedelta(days=5)
        t.rows["consultation_booking"] = Consultation.objects.create(
            user=t.student, expert=t.expert, organization=org, pillar="coaching", scheduled_start=start,
            scheduled_end=start + timedelta(hours=1), amount=Decimal("150.00"))
        # A booking the expert has scheduled: spec 60 lets the expert mark it completed (from scheduled only).
        t.rows["consultation_scheduled"] = Consultation.objects.create(
            user=t.student, expert=t.expert, organization=org, pillar="coaching", status="scheduled",
            scheduled_start=start + timedelta(days=1), scheduled_end=start + timedelta(days=1, hours=1),
            amount=Decimal("150.00"))
        # Long enough to be verified or featured (CHECK on instructor_profiles).
        InstructorProfile.objects.filter(pk=t.rows["instructor_profile"].pk).update(bio="b" * 60)
        # The role that lets an expert create their profile ("Experts can create their own profile").
        UserRoleGrant.objects.create(user=t.expert, role="expert")
        # Quiz attempts are graded by the server from the lesson's questions (issue 9 item 9): the lesson is a
        # quiz the grader understands, and the sample attempt (80%) passed it, so the student's progress on
        # the lesson may still be completed (guard_student_progress_columns).
        CourseLesson.objects.filter(pk=t.rows["course_lesson"].pk).update(
            content_type="quiz", quiz_questions=QUIZ_QUESTIONS, quiz_passing_score=75)
        QuizAttempt.objects.filter(pk=t.rows["quiz_attempt"].pk).update(passed=True)
        # Certificates only for a completed source (issue 9 item 9): the certificate is the member's, who
        # completed the course (the student's enrollment stays open: the enrollment rules are about it).
        Enrollment.objects.create(user=t.member, course=t.rows["course"], organization=org, status="completed")
        # Issued by the course's instructor, as the instructor's INSERT policy requires.
        Certificate.objects.filter(pk=t.rows["certificate"].pk).update(issued_by=t.instructor, user=t.member)
        t.rows["user_role_org"] = UserRoleGrant.objects.create(user=t.member, role="member", organization=org)
        t.rows["home_platform_admin"] = User.objects.create_user(
            f"{tenant}-platform-admin@example.com", PASSWORD, full_name="Home Platform Admin", organization=org,
            role="admin")
        tables: dict[str, dict[str, Any]] = {}
        for label, obj in t.rows.items():
            tables.setdefault(type(obj)._meta.db_table, {})[label] = obj.pk
        users = tables["users"]
        users["member"], users["org_admin"] = t.member.pk, t.org_admin.pk
        users["platform_admin"] = users.pop("home_platform_admin")
        rows[tenant] = tables
    a = world.a
    team_lead = User.objects.create_user("a-team-lead@example.com", PASSWORD, full_name="Team Lead",
                                         organization=a.org)
    TeamMember.objects.create(team=a.rows["team"], user=team_lead, role="team_lead")
    former_lead = User.objects.create_user("a-former-lead@example.com", PASSWORD, full_name="Former Lead",
                                           organization=a.org)
    TeamMember.objects.create(team=a.rows["team"], user=former_lead, role="team_lead")
    User.objects.filter(pk=former_lead.pk).update(organization=None)  # left the organization, kept the row
    callers: dict[str, User | None] = {
        "anonymous": None, "a_student": a.student, "a_instructor": a.instructor, "a_expert": a.expert,
        "a_member": a.member, "a_team_lead": team_lead, "a_former_lead": former_lead, "a_org_admin": a.org_admin,
        "b_org_admin": world.b.org_admin, "outsider": world.outsider,
        "platform_admin": world.platform_admin,
    }
    home = {name: (name[0] if name[:2] in ("a_", "b_") else None) for name in callers}
    matrix = MatrixWorld(world, callers, home, rows)
    for tenant in TENANTS:
        for labelled in rows[tenant].values():
            for label, pk in labelled.items():
                matrix.where[pk] = (tenant, label)
    return matrix


def update_targets(mw: MatrixWorld, table: str, caller: str) -> list[tuple[str, Any]]:
    """(suffix, primary key) of the rows an UPDATE is tried on, before visibility is applied.

    Suffix "" is the caller's own side: their tenant's row (both tenants' rows for a caller without a
    tenant). "@other" is the other tenant's row. On ``users`` "" is the caller's own row, and
    "@member", "@org_admin", "@platform_admin" are those users of the caller's tenant (of tenant a
    for a caller without one), "@other" the other tenant's member.
    """
    user = mw.callers[caller]
    home = mw.home[caller]
    targets: list[tuple[str, Any]] = []
    if table == "users":
        if user is not None:
            targets.append(("", user.pk))
        side = home or "a"
        users = mw.tenant_rows(side, "users")
        for label in USER_TARGETS:
            pk = users[label]
            if user is not None and pk == user.pk:
                if label != "member":
                    continue  # the caller's own row is tested as ""
                pk = users["student"]  # the member's co-member
            targets.append((f"@{label}", pk))
        targets.append(("@other", mw.tenant_rows(OTHER[side], "users")["member"]))
        return targets
    for tenant in TENANTS:
        suffix = "@other" if home and tenant != home else ""
        targets += [(suffix, pk) for pk in mw.tenant_rows(tenant, table).values()]
    return targets


def insert_templates(mw: MatrixWorld, table: str, caller: str) -> list[Any]:
    """Primary keys of the rows copied for INSERT: the caller's tenant's (tenant a's without a tenant)."""
    side = mw.home[caller] or "a"
    if table == "users":
        return [mw.tenant_rows(side, "users")["member"]]
    return list(mw.tenant_rows(side, table).values())


# --------------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------------

_NUMERIC = re.compile(r"^(smallint|integer|bigint|numeric|real|double precision)")


def counterpart(mw: MatrixWorld, ref_table: str, value: Any, row_tenant: str) -> Any | None:
    """The same kind of row of the other tenant: b's course for a's course; for an unknown or NULL
    value, the other tenant's first row of the referenced table (its member, for ``users``)."""
    if value is not None and value in mw.where:
        tenant, label = mw.where[value]
        found = mw.tenant_rows(OTHER[tenant], ref_table).get(label)
        if found is not None:
            return found
    rows = mw.tenant_rows(OTHER[row_tenant], ref_table)
    if ref_table == "users":
        return rows.get("member")
    return next(iter(rows.values()), None)


# Changed text that passes the format rules a column of that name may have; tried in this order.
_TEXT_HINTS = (("timezone", "Europe/Paris"), ("currency", "EUR"), ("language", "fr"), ("url", "https://example.com/w"))


def _text_candidates(col: Column, old: str | None) -> list[str]:
    out = [v for v in col.check_values if v != old]
    out += [hint for part, hint in _TEXT_HINTS if part in col.name]
    out += [f"w{old or 'changed'}", "GBP", "Europe/Paris", "fr", "https://example.com/w"]
    return list(dict.fromkeys(v for v in out if v != old))


def candidates(col: Column, old: str | None, fk_values: Iterable[Any] = ()) -> list[tuple[str, list[Any]]]:
    """SQL expressions (with parameters) of new valid values for ``col`` whose text form is ``old``,
    in the order they are tried."""
    cast = f"CAST(%s AS {col.type})"
    if col.references:
        return [(cast, [str(v)]) for v in dict.fromkeys(fk_values) if v is not None and str(v) != old]
    t = col.type
    literals: list[str]
    if col.labels and col.is_array:
        literals = [f"{{{label}}}" for label in col.labels]
    elif col.labels:
        literals = list(col.labels)
    elif col.is_array:
        literals = ["{w}", "{v}"]
    elif t == "boolean":
        literals = ["false" if old == "true" else "true"]
    elif _NUMERIC.match(t):
        literals = []
        exprs = [f"coalesce({cast}, 0) + 1", f"coalesce({cast}, 0) - 1", f"coalesce({cast}, 0) + 0.5"]
        return [(e, [old]) for e in (exprs if not t.startswith(("smallint", "integer", "bigint")) else exprs[:2])]
    elif t.startswith("timestamp"):
        return [(f"coalesce({cast}, now()) + interval '1 day'", [old]),
                (f"coalesce({cast}, now()) - interval '1 day'", [old])]
    elif t == "date":
        return [(f"coalesce({cast}, current_date) + 1", [old]), (f"coalesce({cast}, current_date) - 1", [old])]
    elif t in ("jsonb", "json"):
        literals = ['{"k": 1}', '[{"k": 1}]', "[]", "{}"]  # an object, else an array (CHECK jsonb_typeof)
    elif t == "uuid":
        literals = [STRAY_UUID]
    elif t == "xid8":
        literals = [str(int(old) + 1) if old else "1"]
    elif t == "tsvector":
        literals = ["'w'"]
    else:  # text, varchar and anything else with a text input form
        literals = _text_candidates(col, old)
    return [(cast, [lit]) for lit in literals if lit != old]


# --------------------------------------------------------------------------------------------------
# Attempts
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """``written`` | ``kept`` (1 row, value not changed: a maintained column) | ``refused``."""

    status: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.status}({self.detail})" if self.detail else self.status


def _refusal(error: psycopg.Error) -> tuple[Outcome, bool]:
    """The refusal, and whether another value could fare differently (a validation), or not (privilege)."""
    diag = error.diag
    reason = diag.constraint_name or (diag.message_primary or "")[:60]
    final = error.sqlstate == "42501" and (diag.message_primary or "").startswith("permission denied")
    return Outcome("refused", f"{error.sqlstate} {reason}"), final


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def raw_cursor() -> Iterator[psycopg.ClientCursor]:
    """A client-side-binding cursor on Django's own connection (several statements per round trip)."""
    connection.ensure_connection()
    with psycopg.ClientCursor(connection.connection) as cursor:
        yield cursor


def read_rows(table: Table, pks: list[Any]) -> dict[Any, dict[str, str | None]]:
    """Text form of every column of the rows ``pks`` (as the owner)."""
    names = list(table.columns)
    select = ", ".join(f"{_q(n)}::text" for n in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_q(table.pk)}, {select} FROM {_q(table.name)} WHERE {_q(table.pk)} = ANY(%s)",
                       [list(pks)])
        return {row[0]: dict(zip(names, row[1:], strict=True)) for row in cursor.fetchall()}


def visible(cursor: psycopg.ClientCursor, table: Table, pks: list[Any]) -> set[Any]:
    cursor.execute(f"SELECT {_q(table.pk)} FROM {_q(table.name)} WHERE {_q(table.pk)} = ANY(%s)", [list(pks)])
    return {row[0] for row in cursor.fetchall()}


def lockable(cursor: psycopg.ClientCursor, table: Table, pk: Any) -> Outcome | None:
    """None when the caller may UPDATE row ``pk`` at all, else the refusal every column would get.

    ``SELECT ... FOR UPDATE`` applies the UPDATE policies' USING clauses (value-independent) and needs
    an UPDATE privilege on some column: one statement instead of one per column for read-only rows."""
    try:
        cursor.execute(f"SELECT 1 FROM {_q(table.name)} WHERE {_q(table.pk)} = %s FOR UPDATE", [pk])
        found = cursor.fetchone() is not None
    except psycopg.Error as error:
        cursor.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
        outcome, final = _refusal(error)
        return outcome if final else None
    cursor.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
    return None if found else Outcome("refused", "0 rows")


def try_update(cursor: psycopg.ClientCursor, table: Table, col: Column, pk: Any, old: str | None,
               values: list[tuple[str, list[Any]]]) -> Outcome:
    """UPDATE only ``col`` of row ``pk`` to each value in turn until one is written; the best outcome.

    One round trip per value: the UPDATE as the caller, the read-back as the owner, and the rollback."""
    where = f"{_q(table.pk)} = %s"
    best: Outcome | None = None
    for expr, params in values:
        new = f"CAST(({expr}) AS {col.type})"
        try:
            cursor.execute(
                f"UPDATE {_q(table.name)} SET {_q(col.name)} = {new} WHERE {where}; SET LOCAL ROLE NONE; "
                f"SELECT {_q(col.name)}::text IS NOT DISTINCT FROM {new}::text, "
                f"{_q(col.name)}::text IS NOT DISTINCT FROM %s FROM {_q(table.name)} WHERE {where}; "
                f"ROLLBACK TO SAVEPOINT {SAVEPOINT}",  # also back to the app role
                [*params, pk, *params, old, pk])
        except psycopg.Error as error:
            cursor.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
            outcome, final = _refusal(error)
            best = best or outcome
            if final:
                break
            continue
        count = cursor.rowcount
        cursor.nextset()
        cursor.nextset()
        is_new, is_old = cursor.fetchone() or (False, False)
        if count == 0:
            best = best or Outcome("refused", "0 rows")
            break  # the row is not updatable by this caller whatever the value (USING)
        if is_new and not is_old:
            return Outcome("written")
        if not is_new:
            best = Outcome("kept")
    return best or Outcome("refused", "no other valid value")


def try_insert(cursor: psycopg.ClientCursor, table: Table, template: dict[str, str | None],
               template_pk: Any, changes: dict[str, Any]) -> Outcome:
    """INSERT a copy of ``template`` with ``changes`` and a new primary key: ``written`` when the row is
    there afterwards (read as the owner) with the changed pointer as asked, ``kept`` when a trigger
    replaced the pointer, else refused. A unique key without a text column is freed by deleting the
    template first (as the owner); unique text columns are changed."""
    # The copy names what a client would: the required columns, the row's pointers and its unique text
    # columns; everything else (status, counters, timestamps, payment mirrors) takes its default.
    keep = set(table.required) | set(table.pointers) | set(table.prefixed_on_insert)
    values = {n: v for n, v in template.items() if n in keep and n != table.pk and v is not None}
    for name in table.prefixed_on_insert:
        if name in values and name not in changes:
            values[name] = f"w{values[name]}"
    values.update({k: (None if v is None else str(v)) for k, v in changes.items()})
    new_pk = str(uuid4())
    values[table.pk] = new_pk
    names = [n for n in values if not table.columns[n].generated]
    sql = (f"INSERT INTO {_q(table.name)} ({', '.join(map(_q, names))}) VALUES "
           f"({', '.join(f'CAST(%s AS {table.columns[n].type})' for n in names)})")
    check = ", ".join(f"{_q(n)}::text IS NOT DISTINCT FROM CAST(%s AS {table.columns[n].type})::text"
                      for n in changes) or "true"
    try:
        if table.delete_template:
            # as the owner, then back to the caller's role (whatever acting_as entered)
            cursor.execute(f"SELECT current_user; SET LOCAL ROLE NONE; DELETE FROM {_q(table.name)} "
                           f"WHERE {_q(table.pk)} = %s", [template_pk])
            role = cursor.fetchone()[0]
            cursor.execute(f"SET LOCAL ROLE {_q(role)}")
        cursor.execute(f"{sql}; SET LOCAL ROLE NONE; SELECT {check} FROM {_q(table.name)} "
                       f"WHERE {_q(table.pk)} = %s; ROLLBACK TO SAVEPOINT {SAVEPOINT}",
                       [*(values[n] for n in names), *(values[n] for n in changes), new_pk])
    except psycopg.Error as error:
        cursor.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
        return _refusal(error)[0]
    cursor.nextset()
    cursor.nextset()
    row = cursor.fetchone()
    if row is None:
        return Outcome("refused", "0 rows")
    return Outcome("written") if all(row) else Outcome("kept")


# --------------------------------------------------------------------------------------------------
# One (table, caller) cell of the matrix
# --------------------------------------------------------------------------------------------------


@dataclass
class Cell:
    """What one caller could write in one table (keys as in tests/write_rules.py): UPDATE keys are
    ``column`` (or ``column=value`` for a state column) with the row's suffix; INSERT keys are ``=``
    (an unchanged copy) and each foreign-key column pointed at the other tenant."""

    seen: list[str] = field(default_factory=list)  # suffixes of the visible target rows ("own" for "")
    update: dict[str, Outcome] = field(default_factory=dict)
    insert: dict[str, Outcome] = field(default_factory=dict)


def _merge(into: dict[str, Outcome], key: str, outcome: Outcome) -> None:
    """Several rows can share a key: written wins, then kept, then the first refusal."""
    rank = {"written": 0, "kept": 1, "refused": 2}
    if key not in into or rank[outcome.status] < rank[into[key].status]:
        into[key] = outcome


def _attempts(mw: MatrixWorld, col: Column, old: str | None, row_tenant: str,
              user: User | None) -> list[tuple[str, list[tuple[str, list[Any]]]]]:
    """(key, values tried in turn) for one column of one row: one key per column, or one key per target
    value of a state column."""
    fk_values: list[Any] = []
    if col.references:
        fk_values = [counterpart(mw, col.references, _uuid(old), row_tenant)]
        if col.references == "users" and user is not None:
            fk_values.append(user.pk)
    values = candidates(col, old, fk_values)
    if col.name in STATE_COLUMNS and (col.labels or col.check_values):
        return [(f"{col.name}={params[0]}", [(expr, params)]) for expr, params in values]
    return [(col.name, values)]


def _update_row(cursor: psycopg.ClientCursor, mw: MatrixWorld, table: Table, pk: Any, suffix: str,
                old: dict[str, str | None], user: User | None, cell: Cell) -> None:
    row_tenant = mw.where.get(pk, ("a", ""))[0]
    blocked = lockable(cursor, table, pk)
    for col in table.columns.values():
        if col.name == table.pk:
            continue
        for key, values in _attempts(mw, col, old[col.name], row_tenant, user):
            outcome = blocked or try_update(cursor, table, col, pk, old[col.name], values)
            _merge(cell.update, key + suffix, outcome)


def _insert_copies(cursor: psycopg.ClientCursor, mw: MatrixWorld, table: Table, pk: Any,
                   template: dict[str, str | None], cell: Cell) -> None:
    row_tenant = mw.where[pk][0]
    _merge(cell.insert, "=", try_insert(cursor, table, template, pk, {}))
    for name in table.pointers:
        target = counterpart(mw, table.columns[name].references, _uuid(template[name]), row_tenant)
        if target is not None and str(target) != template[name]:
            _merge(cell.insert, name, try_insert(cursor, table, template, pk, {name: target}))


def run_cell(mw: MatrixWorld, table_name: str, caller: str) -> Cell:
    """Every UPDATE and INSERT attempt of one caller on one table."""
    table = schema(table_name)
    user = mw.callers[caller]
    targets = update_targets(mw, table_name, caller)
    templates = insert_templates(mw, table_name, caller)
    old = read_rows(table, [pk for _, pk in targets] + templates)
    cell = Cell()
    with acting_as(user), raw_cursor() as cursor:
        seen = visible(cursor, table, [pk for _, pk in targets])
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at COMMIT, which a rolled-back
        # attempt never reaches. Checked per statement here, as the request's COMMIT would.
        cursor.execute(f"SET CONSTRAINTS ALL IMMEDIATE; SAVEPOINT {SAVEPOINT}")
        for suffix, pk in targets:
            if pk in seen:
                cell.seen.append(suffix or "own")
                _update_row(cursor, mw, table, pk, suffix, old[pk], user, cell)
        for pk in templates:
            _insert_copies(cursor, mw, table, pk, old[pk], cell)
        cursor.execute(f"RELEASE SAVEPOINT {SAVEPOINT}")
    return cell


def _uuid(text: str | None) -> UUID | None:
    return UUID(text) if text else None
