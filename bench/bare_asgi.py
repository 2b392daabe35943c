"""The baseline of bench/api_throughput.py: a bare ASGI app on psycopg that runs, per request, the same
SQL as the Django endpoint under the same security context (one transaction, SET LOCAL ROLE
humanglue_app, app.current_user_id) and answers the last statement's rows as JSON. No framework, no ORM,
no serializers: what is left is the database's share of the work.

    BARE_SQL=/path/plan.json BARE_DSN=postgresql://... uvicorn bare_asgi:app

plan.json: {"user_id": "...", "routes": {"/path": ["SELECT ...", ...]}, "rotate": {...}}

``rotate`` (optional) is for routes that write a row per request (a registration): per path, the recorded
user id, the user ids to act as in turn, and literal ids to replace by a fresh UUID each time.
"""

from __future__ import annotations

import itertools
import json
import os
import uuid

from psycopg_pool import AsyncConnectionPool

with open(os.environ["BARE_SQL"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)
ROTATE = {path: (spec, itertools.cycle(spec["user_ids"])) for path, spec in PLAN.get("rotate", {}).items()}
pool = AsyncConnectionPool(os.environ["BARE_DSN"], min_size=2, max_size=int(os.environ.get("BARE_POOL", "4")),
                           open=False)


async def app(scope: dict, receive, send) -> None:  # noqa: ANN001 - the ASGI callables
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await pool.open()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    statements = PLAN["routes"].get(scope["path"])
    if statements is None:
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    user_id = PLAN["user_id"]
    if scope["path"] in ROTATE:
        spec, users = ROTATE[scope["path"]]
        user_id = next(users)
        swaps = [(spec["user_id"], user_id), *((literal, str(uuid.uuid4())) for literal in spec["fresh"])]
        # Django writes UUID literals as 32 hex digits, JSON answers with dashes: replace both spellings.
        for old, new in [*swaps, *((o.replace("-", ""), n.replace("-", "")) for o, n in swaps)]:
            statements = [statement.replace(old, new) for statement in statements]
    rows: list = []
    async with pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
        await cursor.execute("SET LOCAL ROLE humanglue_app")
        await cursor.execute("SELECT set_config('app.current_user_id', %s, true)", [user_id])
        for sql in statements:
            await cursor.execute(sql)
            if cursor.description:
                rows = await cursor.fetchall()
    body = json.dumps({"results": rows}, default=str).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
