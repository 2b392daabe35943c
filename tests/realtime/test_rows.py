"""Which serializer sends each realtime table's rows: the REST API's own (so a socket shows a row exactly as
the API does, with its hidden fields hidden), named explicitly, for every table the contract makes realtime."""

from __future__ import annotations

from humanglue.contract import load_contract
from notifications.realtime.rows import TABLES, serializer_for


def _realtime_tables() -> set[str]:
    tables = load_contract()["realtime"]["tables"]
    return {t if isinstance(t, str) else t.get("table", t.get("name")) for t in tables}


def test_every_realtime_table_has_its_serializer() -> None:
    assert set(TABLES) == _realtime_tables()
    for table in TABLES:
        model, serializer = serializer_for(table)
        assert model._meta.db_table == table
        if table != "student_presence":  # no REST endpoint: its columns as they are
            assert serializer.__module__.endswith(("api.serializers", "api.portal_serializers",
                                                   "api.grading_serializers", "api.payment_serializers"))
