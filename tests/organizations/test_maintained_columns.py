"""Trigger-maintained columns are read-only for Django: a stale instance's save() cannot overwrite them."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.sample_data import build_one_of_each

pytestmark = pytest.mark.django_db


def sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_stale_save_keeps_counters_written_by_sql() -> None:
    rows = build_one_of_each()
    course = rows["course"]
    sql("UPDATE courses SET enrolled_count = 7, review_count = 3 WHERE id = %s", [course.pk])
    course.title = "Renamed"
    course.save()  # the instance still holds enrolled_count = 0
    assert (course.enrolled_count, course.review_count) == (7, 3)  # read back after save
    course.refresh_from_db()
    assert (course.title, course.enrolled_count, course.review_count) == ("Renamed", 7, 3)

    profile = rows["talent_profile"]
    sql("UPDATE talent_profiles SET review_count = 12 WHERE id = %s", [profile.pk])
    profile.tagline = "Still a coach"
    profile.save()
    profile.refresh_from_db()
    assert profile.review_count == 12


def test_insert_leaves_maintained_columns_to_their_defaults() -> None:
    rows = build_one_of_each()
    course = type(rows["course"])(title="Another", slug="another-course", pillar="coaching",
                                  enrolled_count=999, average_rating=5)
    course.save()
    course.refresh_from_db()
    assert course.enrolled_count == 0 and course.average_rating in (None, 0)


def test_maintained_columns_are_not_editable_in_forms() -> None:
    from django.forms import modelform_factory

    from instructors.models import Course

    form = modelform_factory(Course, fields="__all__")()
    assert not {"enrolled_count", "completed_count", "average_rating", "total_revenue", "updated_at"} & set(form.fields)


def test_updated_at_is_stamped_by_the_trigger() -> None:
    rows = build_one_of_each()
    org = rows["organization"]
    sql("UPDATE organizations SET updated_at = '2000-01-01' WHERE id = %s", [org.pk])
    org.refresh_from_db()
    assert org.updated_at.year != 2000  # the trigger overwrote the value the UPDATE wrote
