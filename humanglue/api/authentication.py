"""Bearer-token authentication for DRF that reuses the security middleware's work.

The middleware must know the caller before the request's transaction starts (organizations/middleware.py)
and validates the bearer token then; DRF would validate it again and look the user up a second time.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication

# Where the middleware leaves its (user, validated token) for this request.
REQUEST_ATTRIBUTE = "_jwt_authentication"


class JWTAuthentication(SimpleJWTAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        known = getattr(request._request, REQUEST_ATTRIBUTE, None)
        if known is not None:
            return known
        return super().authenticate(request)


class JWTScheme(SimpleJWTScheme):
    """Documents the subclass like simplejwt's own (drf-spectacular finds extensions by subclassing)."""

    target_class = "humanglue.api.authentication.JWTAuthentication"
    name = "jwtAuth"
