"""Channel, Channels group names and the DELETE audiences of spec 40 ("Listener and groups")."""

from __future__ import annotations

from typing import Any
from uuid import UUID

CHANNEL = "humanglue_realtime"
ALL = "realtime.all"  # every authenticated socket: cursor ticks and resync

# Payload routing key -> group prefix.
ROUTING_KEYS = {
    "user_id": "user",
    "instructor_id": "instructor",
    "course_id": "course",
    "workshop_id": "workshop",
    "organization_id": "org",
}
SUBSCRIBABLE = ("course", "workshop", "org")

# Who may learn of a DELETE (the row is gone, nothing to re-read): spec 40, "Routing keys per table".
DELETE_AUDIENCE: dict[str, frozenset[str]] = {
    "notifications": frozenset({"user"}),
    "enrollments": frozenset({"user", "instructor", "org"}),
    "workshop_registrations": frozenset({"user", "instructor", "org"}),
    "student_activity": frozenset({"user", "instructor"}),
    "course_reviews": frozenset({"user", "instructor"}),
    "student_presence": frozenset({"user", "instructor"}),
    "payments": frozenset({"user", "org"}),
}


def group(kind: str, ident: Any) -> str:
    return f"{kind}.{ident}"


def groups_for(payload: dict[str, Any]) -> list[str]:
    """The groups an event is sent to: one per non-null routing key of its payload."""
    return [group(kind, payload[key]) for key, kind in ROUTING_KEYS.items() if payload.get(key)]


def parse_subscription(name: object) -> tuple[str, str]:
    """``("course", "<uuid>")`` for a subscribable group name; ValueError for anything else."""
    if not isinstance(name, str) or "." not in name:
        raise ValueError("group must be course.<uuid>, workshop.<uuid> or org.<uuid>")
    kind, _, ident = name.partition(".")
    if kind not in SUBSCRIBABLE:
        raise ValueError("group must be course.<uuid>, workshop.<uuid> or org.<uuid>")
    return kind, str(UUID(ident))
