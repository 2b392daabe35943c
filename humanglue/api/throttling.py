"""Throttles for the anonymous forms (login, signup, password reset): per client address and per
account, counted in Django's cache (Redis when REDIS_URL is set, so every worker shares the counts)."""

from __future__ import annotations

import hashlib
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class LoginAddressThrottle(SimpleRateThrottle):
    """Login attempts per client address."""

    scope = "login_address"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginAccountThrottle(SimpleRateThrottle):
    """Login attempts per account (the e-mail submitted), whatever address they come from."""

    scope = "login_account"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        email = request.data.get("email") if hasattr(request.data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None  # nothing to count: the request fails validation anyway
        # A digest: a short, fixed-length cache key whatever the client sent.
        ident = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonymousFormThrottle(SimpleRateThrottle):
    """Signup, organization registration and password reset requests per client address."""

    scope = "anonymous_form"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
