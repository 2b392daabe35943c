"""Column and CHECK helpers the instructors models share."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def non_negative_checks(table: str, *columns: str) -> list[models.CheckConstraint]:
    """One CHECK ``column >= 0`` per column (NULL passes, as in SQL)."""
    return [
        models.CheckConstraint(condition=models.Q(**{f"{column}__gte": 0}), name=f"{table}_{column}_check")
        for column in columns
    ]


def char_length(column: str) -> models.Func:
    return models.Func(models.F(column), function="char_length", output_field=models.IntegerField())


def rating_field(**kwargs: Any) -> models.IntegerField:
    return models.IntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)], **kwargs)


def percent_validators() -> list[Any]:
    return [MinValueValidator(0), MaxValueValidator(100)]
