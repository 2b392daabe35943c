"""The write matrix: who may write which column of which table (issue 9, "the turn from reads to writes").

The leak matrices prove who sees which rows. This one tries, for every contract table and every caller
of tests/integration/write_matrix_values.py (anonymous, a student, an instructor, an expert, a plain
member, a team lead, a team lead who left, both organizations' admins, an outsider, a platform admin):

- UPDATE: on every row of the world the caller can SELECT, each column (primary key aside) alone, to
  a new valid value; a foreign key is pointed at the other organization's row of the same kind (or at
  the caller). ``written`` means the owner reads the new value back; a maintained column that keeps
  its value (``kept``) and any error or 0 rows count as not written;
- INSERT: a copy of the caller's tenant's row (tenant a's for callers without one), unchanged (``=``)
  and once per foreign key pointed at the other organization's row (or another user).

Each (table, caller) must write exactly what tests/write_rules.py allows, plus its KNOWN_HOLES:

- a write without a rule fails: a new column, policy or trigger widened what someone may write;
- a rule (or known hole) that is not written fails too, so the rules cannot go stale.

How to add a rule: run this file, read the diff (for example ``UPDATE written without a rule:
title@other``), check the spec fragment of the table, then add the column to the caller's set in
``UPDATE_ALLOWED`` / ``INSERT_ALLOWED`` with a comment naming the spec section. Key names: ``col`` is
the caller's own row (their tenant's row; on ``users`` their own row), ``col@other`` the other
organization's row, ``col@member`` / ``col@org_admin`` / ``col@platform_admin`` those users of the
caller's organization; ``status``, ``role`` and ``payment_status`` are keyed per target value
(``status=cancelled``); INSERT keys are ``=`` or the foreign-key column. A write that the spec does not
allow goes to ``KNOWN_HOLES`` with the issue item, until the fix lands and the test asks to remove it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from humanglue.contract import load_contract
from tests.integration import write_matrix_values as wm
from tests.write_rules import INSERT_ALLOWED, KNOWN_HOLES, UPDATE_ALLOWED

pytestmark = pytest.mark.django_db


def _diff(kind: str, cell: dict[str, wm.Outcome], allowed: set[str], holes: dict[str, str]) -> list[str]:
    written = {key for key, outcome in cell.items() if outcome.status == "written"}
    lines = []
    for key in sorted(written - allowed - set(holes)):
        lines.append(f"  {kind} written without a rule: {key}")
    for key in sorted(allowed - written):
        lines.append(f"  {kind} rule but not written: {key} -> {cell.get(key, 'not tried (row not visible)')}")
    for key in sorted(set(holes) - written):
        lines.append(f"  {kind} known hole no longer written (fixed? remove it from KNOWN_HOLES): {key} "
                     f"-> {cell.get(key, 'not tried')} [{holes[key]}]")
    return lines


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[wm.MatrixWorld]:
    """One world for the whole module, rolled back at its end: every attempt already runs in its own
    rolled-back savepoint, so the tests cannot change it for each other."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield wm.build_matrix_world()
        transaction.set_rollback(True)


@pytest.mark.parametrize("table", wm.table_names())
def test_write_matrix(world: wm.MatrixWorld, table: str) -> None:
    problems = []
    for caller in wm.CALLERS:
        cell = wm.run_cell(world, table, caller)
        lines = _diff("UPDATE", cell.update, set(UPDATE_ALLOWED.get((table, caller), ())),
                      KNOWN_HOLES.get(("update", table, caller), {}))
        lines += _diff("INSERT", cell.insert, set(INSERT_ALLOWED.get((table, caller), ())),
                       KNOWN_HOLES.get(("insert", table, caller), {}))
        if lines:
            problems.append(f"{table} / {caller} (rows seen: {', '.join(cell.seen) or 'none'})\n" + "\n".join(lines))
    if problems:
        pytest.fail("the write matrix differs from tests/write_rules.py:\n" + "\n".join(problems), pytrace=False)


def test_rules_name_real_tables_callers_and_columns() -> None:
    """A typo in a rule would otherwise only show as a stale rule; name it directly."""
    tables = load_contract()["tables"]
    problems = []
    for source, rules in (("UPDATE_ALLOWED", UPDATE_ALLOWED), ("INSERT_ALLOWED", INSERT_ALLOWED)):
        for (table, caller), keys in rules.items():
            problems += _unknown(source, table, caller, keys, tables, insert=source == "INSERT_ALLOWED")
    for (kind, table, caller), holes in KNOWN_HOLES.items():
        if kind not in ("update", "insert"):
            problems.append(f"KNOWN_HOLES: unknown kind {kind!r}")
            continue
        problems += _unknown("KNOWN_HOLES", table, caller, holes, tables, insert=kind == "insert")
    assert not problems, "\n".join(problems)


def test_known_holes_are_not_rules() -> None:
    """A write is either allowed or a known hole, never both."""
    both = []
    for (kind, table, caller), holes in KNOWN_HOLES.items():
        rules = (INSERT_ALLOWED if kind == "insert" else UPDATE_ALLOWED).get((table, caller), set())
        both += [f"{kind} {table} / {caller}: {key}" for key in set(holes) & set(rules)]
    assert not both, "\n".join(both)


def _unknown(source: str, table: str, caller: str, keys: object, tables: dict, insert: bool) -> list[str]:
    if table not in tables:
        return [f"{source}: unknown table {table!r}"]
    if caller not in wm.CALLERS:
        return [f"{source}: unknown caller {caller!r}"]
    columns = tables[table]["columns"]
    suffixes = {"", "other", *wm.USER_TARGETS}
    problems = []
    for key in keys:  # type: ignore[attr-defined]
        target, _, suffix = key.partition("@")
        column = target.partition("=")[0]
        if insert and key == "=":
            continue
        if column not in columns or suffix not in suffixes or (insert and suffix):
            problems.append(f"{source} {table} / {caller}: unknown key {key!r}")
    return problems
