from __future__ import annotations

import json
from pathlib import Path

import pytest

from humanglue.contract import CONTRACT_PATH, load_contract

SHARED = Path(__file__).resolve().parents[3] / "shared" / "spec" / "contract.json"


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/ is not beside this checkout")
def test_contract_copy_matches_shared_spec() -> None:
    assert json.loads(SHARED.read_text()) == json.loads(CONTRACT_PATH.read_text())


def test_contract_totals() -> None:
    contract = load_contract()
    assert len(contract["tables"]) == contract["totals"]["tables"] == 29
    assert len(contract["enums"]) == contract["totals"]["enums"] == 16
