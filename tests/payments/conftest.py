from __future__ import annotations

from typing import Any

import pytest

from tests.talent import rls_world
from tests.world import World


@pytest.fixture
def world(db: None, settings: Any) -> World:
    """The leak-matrix world (tests/talent/rls_world.py), built once per test as the owner."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # a dozen users per test
    return rls_world.build()
