"""Reads of the organizations domain that are more than one queryset."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from .models import PublicProfile, User


@dataclass(frozen=True)
class Person:
    """A related person as the caller may name them (DESIGN.md §5)."""

    id: UUID
    full_name: str
    avatar_url: str | None


def people_by_id(ids: Iterable[UUID | str | None]) -> dict[UUID, Person]:
    """The people among ``ids`` the caller may name: users its policies show, then public profiles.

    A person neither shows is absent from the answer; the row that points at them stays visible (the
    API renders such a person as null), so no visible row disappears and no count disagrees with its rows.
    """
    wanted = {UUID(str(i)) for i in ids if i}
    if not wanted:
        return {}
    found = {
        row["id"]: Person(**row)
        for row in User.objects.filter(id__in=wanted).values("id", "full_name", "avatar_url")
    }
    missing = wanted - found.keys()
    if missing:
        found.update(
            (row["id"], Person(**row))
            for row in PublicProfile.objects.filter(id__in=missing).values("id", "full_name", "avatar_url")
        )
    return found
