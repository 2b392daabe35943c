"""Turn database refusals (policies, guards, constraints) into client errors (spec 00 §10).

42501 -> 403, check/not-null/FK violations (NO ACTION and RESTRICT) and bad function arguments -> 400,
unique and exclusion violations -> 409, serialization failures and deadlocks -> retried, then 409. The reason a trigger
puts in the CONSTRAINT field becomes the error's ``code``; without one, the SQLSTATE's default code.

Input the database cannot store is the client's fault too, so a 400, not a 500: a number outside its
column's range (22003), a byte sequence or character the encoding refuses (22021, 22P05, and a NUL
byte, which psycopg refuses before sending: a DataError without SQLSTATE), a value for a generated
column (428C9). A lock that is not available (55P03: NOWAIT or lock_timeout) is a 409 like the other
conflicts with concurrent work; it is not retried, because the lock's holder is usually still there.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

# psycopg refuses some values before they reach the server (a NUL byte in text): a DataError without
# SQLSTATE, answered as this one (class 22, "data exception").
CLIENT_DATA_ERROR = "22000"

STATUS_BY_SQLSTATE = {
    "42501": 403,
    "23514": 400,
    "23502": 400,
    "23503": 400,
    "23001": 400,
    "22004": 400,
    "22023": 400,
    "22P02": 400,
    CLIENT_DATA_ERROR: 400,
    "22003": 400,
    "22021": 400,
    "22P05": 400,
    "428C9": 400,
    "23505": 409,
    "23P01": 409,
    "40001": 409,
    "40P01": 409,
    "55P03": 409,
}
DEFAULT_CODES = {
    "42501": "permission_denied",
    "23514": "check_violation",
    "23502": "not_null_violation",
    "23503": "foreign_key_violation",
    "23001": "restrict_violation",
    "22004": "null_value_not_allowed",
    "22023": "invalid_parameter_value",
    "22P02": "invalid_text_representation",
    CLIENT_DATA_ERROR: "invalid_input",
    "22003": "numeric_value_out_of_range",
    "22021": "invalid_byte_sequence",
    "22P05": "untranslatable_character",
    "428C9": "generated_always",
    "23505": "unique_violation",
    "23P01": "exclusion_violation",
    "40001": "serialization_failure",
    "40P01": "deadlock_detected",
    "55P03": "lock_not_available",
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
    if error is None:
        return None
    sqlstate = error.sqlstate
    if sqlstate is None and isinstance(error, psycopg.DataError):
        sqlstate = CLIENT_DATA_ERROR
    if sqlstate not in STATUS_BY_SQLSTATE:
        return None
    diag = error.diag
    # A reason that is missing, empty or blank never reaches the client as an empty ``code``.
    code = (diag.constraint_name or "").strip() or DEFAULT_CODES[sqlstate]
    message = (diag.message_primary or (str(error) if sqlstate == CLIENT_DATA_ERROR else "")).strip()
    if sqlstate == "42501":
        detail = message or "Permission denied."
    elif sqlstate in RETRYABLE:
        detail = "The request conflicted with concurrent changes; try again."
    elif sqlstate == "55P03":
        detail = "The data is locked by another request; try again later."
    else:
        detail = message or "The database refused the change."
    return DatabaseRefusal(status=STATUS_BY_SQLSTATE[sqlstate], code=code, detail=detail, sqlstate=sqlstate)
