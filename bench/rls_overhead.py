"""RLS overhead: the same list queries as the owner (RLS off) and under the app role (RLS on).

    .venv/bin/python bench/rls_overhead.py [--repeat 200]

Builds (once) a dedicated database ``humanglue_bench`` with 100k users in 20 organizations and 200k
notifications, then times each query N times per role and prints p50/p95 in ms and the ratio
(target: app role under 1.5x the owner). When a ratio misses the target the two plans are printed.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _setup import setup_django

ORGS, USERS_PER_ORG, NOTIFICATIONS_PER_USER, NOTIFIED_USERS = 20, 5_000, 100, 2_000
TARGET = 1.5


def populate() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM users WHERE email LIKE 'bench-%%'")
        if cursor.fetchone()[0] >= ORGS * USERS_PER_ORG:
            return
        print(f"building the data set: {ORGS * USERS_PER_ORG:,} users, "
              f"{NOTIFIED_USERS * NOTIFICATIONS_PER_USER:,} notifications ...", flush=True)
        started = time.perf_counter()
        cursor.execute(
            "INSERT INTO organizations (name, slug) SELECT 'Bench org ' || g, 'bench-org-' || g "
            "FROM generate_series(1, %s) g ON CONFLICT DO NOTHING", [ORGS])
        cursor.execute(
            """
            INSERT INTO users (email, full_name, organization_id, role)
            SELECT 'bench-' || g || '@example.com', 'Bench User ' || g, o.id,
                   CASE WHEN g %% %s = 0 THEN 'org_admin'::user_role ELSE 'member'::user_role END
            FROM generate_series(1, %s) g
            JOIN organizations o ON o.slug = 'bench-org-' || (1 + g %% %s)
            ON CONFLICT DO NOTHING
            """, [USERS_PER_ORG, ORGS * USERS_PER_ORG, ORGS])
        cursor.execute(
            """
            INSERT INTO notifications (user_id, type, title, message, created_at)
            SELECT u.id, 'enrollment', 'Hello', 'Bench notification', now() - (n || ' minutes')::interval
            FROM (SELECT id FROM users WHERE email LIKE 'bench-%%' ORDER BY email LIMIT %s) u
            CROSS JOIN generate_series(1, %s) n
            """, [NOTIFIED_USERS, NOTIFICATIONS_PER_USER])
        cursor.execute("ANALYZE users; ANALYZE notifications; ANALYZE organizations; ANALYZE user_roles")
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)


def timed(sql: str, params: list, user_id: str | None, repeat: int) -> list[float]:
    from django.db import connection, transaction

    times = []
    for _ in range(repeat):
        with transaction.atomic(), connection.cursor() as cursor:
            if user_id is not None:
                cursor.execute("SET LOCAL ROLE humanglue_app; SELECT set_config('app.current_user_id', %s, true)",
                               [user_id])
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return times


def plan(sql: str, params: list, user_id: str | None) -> str:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if user_id is not None:
            cursor.execute("SET LOCAL ROLE humanglue_app; SELECT set_config('app.current_user_id', %s, true)",
                           [user_id])
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, params)
        return "\n".join("      " + row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    setup_django()
    populate()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT u.id::text, u.organization_id::text FROM users u "
                       "WHERE u.email LIKE 'bench-%%' AND u.role = 'org_admin' ORDER BY u.email LIMIT 1")
        org_admin, org_id = cursor.fetchone()
        cursor.execute("SELECT user_id::text FROM notifications GROUP BY user_id LIMIT 1")
        (reader,) = cursor.fetchone()
        cursor.execute("SELECT current_setting('server_version'), (SELECT count(*) FROM users), "
                       "(SELECT count(*) FROM notifications)")
        version, n_users, n_notifications = cursor.fetchone()
    print(f"PostgreSQL {version}; users {n_users:,}; notifications {n_notifications:,}; repeat {args.repeat}")

    queries = [
        ("a user's latest notifications (page of 50)", reader,
         "SELECT id, title, created_at FROM notifications WHERE user_id = %s ORDER BY created_at DESC LIMIT 50",
         [reader]),
        ("a user's unread notification count", reader,
         "SELECT count(*) FROM notifications WHERE user_id = %s AND read_at IS NULL", [reader]),
        ("org admin: one page of the org's users by e-mail", org_admin,
         "SELECT id, email, full_name FROM users WHERE organization_id = %s ORDER BY email LIMIT 50", [org_id]),
        ("org admin: the org itself", org_admin, "SELECT id, name FROM organizations WHERE id = %s", [org_id]),
    ]
    print(f"{'query':52} {'owner p50':>10} {'app p50':>10} {'owner p95':>10} {'app p95':>10} {'ratio':>7}")
    for label, caller, sql, params in queries:
        timed(sql, params, None, 5), timed(sql, params, caller, 5)  # warm caches
        owner = timed(sql, params, None, args.repeat)
        app = timed(sql, params, caller, args.repeat)
        o50, a50 = statistics.median(owner), statistics.median(app)
        o95, a95 = (statistics.quantiles(t, n=20)[18] for t in (owner, app))
        ratio = a50 / o50
        flag = "" if ratio <= TARGET else "  > target"
        print(f"{label:52} {o50:10.3f} {a50:10.3f} {o95:10.3f} {a95:10.3f} {ratio:6.2f}x{flag}")
        if ratio > TARGET:
            print("    plan as the owner:\n" + plan(sql, params, None))
            print("    plan under the app role:\n" + plan(sql, params, caller))


if __name__ == "__main__":
    main()
