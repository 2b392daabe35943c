from __future__ import annotations

import pytest

from tests.talent import rls_world
from tests.world import World


@pytest.fixture
def world(db: None) -> World:
    """The leak-matrix world (tests/talent/rls_world.py), built once per test as the owner."""
    return rls_world.build()
