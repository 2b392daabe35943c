"""Turn database refusals (policies, guards, constraints) into client errors (spec 00 §10).

42501 -> 403, check/not-null/FK violations and bad function arguments -> 400, unique and exclusion
violations -> 409, serialization failures and deadlocks -> retried, then 409. The reason a trigger
puts in the CONSTRAINT field becomes the error's ``code``.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

STATUS_BY_SQLSTATE = {
    "42501": 403,
    "23514": 400,
    "23502": 400,
    "23503": 400,
    "22004": 400,
    "22023": 400,
    "22P02": 400,
    "23505": 409,
    "23P01": 409,
    "40001": 409,
    "40P01": 409,
}
DEFAULT_CODES = {
    "42501": "permission_denied",
    "23514": "check_violation",
    "23502": "not_null_violation",
    "23503": "foreign_key_violation",
    "22004": "null_value_not_allowed",
    "22023": "invalid_parameter_value",
    "22P02": "invalid_text_representation",
    "23505": "unique_violation",
    "23P01": "exclusion_violation",
    "40001": "serialization_failure",
    "40P01": "deadlock_detected",
}
RETRYABLE = {"40001", "40P01"}


@dataclass(frozen=True)
class DatabaseRefusal:
    status: int
    code: str
    detail: str
    sqlstate: str

    @property
    def retryable(self) -> bool:
        return self.sqlstate in RETRYABLE

    def as_json(self) -> dict:
        """The API's one error shape (the same as drf-standardized-errors)."""
        return {"type": "client_error", "errors": [{"code": self.code, "detail": self.detail, "attr": None}]}


def _psycopg_error(exc: BaseException) -> psycopg.Error | None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, psycopg.Error):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def classify(exc: BaseException) -> DatabaseRefusal | None:
    """The client error for a database exception, or None when it is a server error."""
    error = _psycopg_error(exc)
    if error is None or error.sqlstate not in STATUS_BY_SQLSTATE:
        return None
    sqlstate = error.sqlstate
    diag = error.diag
    code = diag.constraint_name or DEFAULT_CODES[sqlstate]
    if sqlstate == "42501":
        detail = diag.message_primary or "Permission denied."
    elif sqlstate in RETRYABLE:
        detail = "The request conflicted with concurrent changes; try again."
    else:
        detail = diag.message_primary or "The database refused the change."
    return DatabaseRefusal(status=STATUS_BY_SQLSTATE[sqlstate], code=code, detail=detail, sqlstate=sqlstate)
