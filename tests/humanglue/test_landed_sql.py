"""A landed ``<app>/sql/*.sql`` file is frozen like the migration that loads it (README "SQL files").

``landed_sql.json`` holds the sha256 of every landed file; a file that changes or disappears fails here.
A new file is named after the migration of its app that loads it: ``<migration name>.sql`` and
``<migration name>_reverse.sql``; its hash joins ``landed_sql.json`` when it lands.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
MANIFEST = Path(__file__).resolve().parent / "landed_sql.json"


def sql_files() -> dict[str, Path]:
    return {path.relative_to(PROJECT_DIR).as_posix(): path for path in sorted(PROJECT_DIR.glob("*/sql/*.sql"))}


def test_landed_sql_files_never_change() -> None:
    landed = json.loads(MANIFEST.read_text(encoding="utf-8"))
    present = sql_files()
    changed = [name for name, digest in landed.items()
               if name not in present or hashlib.sha256(present[name].read_bytes()).hexdigest() != digest]
    assert not changed, (f"landed SQL files changed or disappeared: {changed}. A landed file is frozen: "
                         "restore it and add a new migration instead (with its own <migration name>.sql)")


def test_new_sql_files_are_named_after_a_migration_of_their_app() -> None:
    landed = json.loads(MANIFEST.read_text(encoding="utf-8"))
    misnamed = []
    for name, path in sql_files().items():
        if name in landed:
            continue
        app_dir = path.parent.parent
        migration = path.stem.removesuffix("_reverse")
        if not (app_dir / "migrations" / f"{migration}.py").exists():
            misnamed.append(name)
    assert not misnamed, (f"SQL files not named after a migration of their app: {misnamed}. "
                          "Name them <migration name>.sql and <migration name>_reverse.sql")


def test_the_manifest_lists_only_sql_files() -> None:
    landed = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert landed and all(name.count("/") == 2 and "/sql/" in name and name.endswith(".sql") for name in landed)
