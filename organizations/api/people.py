"""Nested people (instructor, expert, student) in API answers, read through the projection the caller
may name (``organizations.selectors.people_by_id``), never through a join to ``users`` that RLS could
empty. A list loads every person of the page in one pass."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..selectors import people_by_id


class PersonSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    avatar_url = serializers.CharField(read_only=True, allow_null=True)


@extend_schema_field(PersonSerializer(allow_null=True))
class PersonField(serializers.Field):
    """A read-only person from a foreign-key id attribute (``source="instructor_id"``); null when the
    caller may not name them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> dict[str, Any] | None:
        if value is None:
            return None
        people = self.context.get("people")
        if people is None or value not in people:
            people = self.context.setdefault("people", {})
            people.update(people_by_id([value]))
        person = people.get(value)
        if person is None:
            return None
        return {"id": person.id, "full_name": person.full_name, "avatar_url": person.avatar_url}


class PeopleListSerializer(serializers.ListSerializer):
    """Loads the people of every item's PersonFields in one query before rendering the list."""

    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all() if hasattr(data, "all") else data)
        fields = [f for f in self.child.fields.values() if isinstance(f, PersonField)]
        ids = {getattr(item, f.source, None) for item in items for f in fields}
        self.child.context.setdefault("people", {}).update(people_by_id(ids))
        return [self.child.to_representation(item) for item in items]


class WithPeopleSerializer(serializers.ModelSerializer):
    """Base for serializers with PersonFields: lists batch the people lookup. A subclass's Meta inherits
    this one (``class Meta(WithPeopleSerializer.Meta)``) to keep the batching list class."""

    class Meta:
        list_serializer_class = PeopleListSerializer
