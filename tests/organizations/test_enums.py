"""The 16 enum types exist with exactly the contract's values, and the Python choices agree."""

from __future__ import annotations

import pytest
from django.db import connection

from humanglue.contract import load_contract
from organizations.enums import ENUM_TYPES

pytestmark = pytest.mark.django_db


def live_enums() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)
            FROM pg_type t
            JOIN pg_enum e ON e.enumtypid = t.oid
            JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = 'public'
            GROUP BY t.typname
            """
        )
        return dict(cursor.fetchall())


def test_exactly_the_contract_enums_with_their_values_in_order() -> None:
    assert live_enums() == load_contract()["enums"]
    assert len(live_enums()) == 16


def test_python_choices_match_the_contract() -> None:
    contract = load_contract()["enums"]
    assert list(ENUM_TYPES) == list(contract)
    for name, choices in ENUM_TYPES.items():
        assert choices.values == contract[name], name
