"""``/api/v1/auth/``: tokens, signup, organization registration, passwords and the caller's profile.

Everything that reads password hashes or writes refresh tokens runs in the system context (the caller is
anonymous, or may not read hashes); the rest runs under the app role like every request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken

from humanglue.api.throttling import AnonymousFormThrottle, LoginAccountThrottle, LoginAddressThrottle
from humanglue.security.context import system_context

from .. import services
from ..models import User
from . import serializers as s

RESET_SENT = "If an active account uses this address, a link to set a new password is on its way."


def issue_tokens(user: User) -> dict[str, Any]:
    """A new refresh/access pair for ``user`` (recorded for revocation) and the user's profile."""
    with system_context():
        refresh = RefreshToken.for_user(user)
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        profile = s.MeSerializer(User.objects.get(pk=user.pk)).data
    return {"access": str(refresh.access_token), "refresh": str(refresh), "user": profile}


class AnonymousEndpoint(APIView):
    """An endpoint for callers without a session (a stale bearer token must not stand in the way), whose
    refusals of credentials are 401 with a ``WWW-Authenticate`` challenge, as for every other endpoint."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    answers_401 = False  # True where the endpoint refuses credentials (the OpenAPI document lists the 401)

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class TokenView(AnonymousEndpoint):
    """Log in with e-mail and password: an access token (short-lived) and a refresh token."""

    answers_401 = True
    throttle_classes = [LoginAddressThrottle, LoginAccountThrottle]

    @extend_schema(request=s.LoginSerializer, responses={200: s.TokenPairSerializer}, auth=[], tags=["auth"])
    def post(self, request: Request) -> Response:
        form = s.LoginSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(request, username=form.validated_data["email"], password=form.validated_data["password"])
        if user is None:
            raise exceptions.AuthenticationFailed("No active account with this e-mail and password.",
                                                  code="invalid_credentials")
        return Response(issue_tokens(user))


class TokenRefreshView(AnonymousEndpoint):
    """A new access token for a refresh token; the refresh token rotates (the old one stops working)."""

    answers_401 = True

    @extend_schema(request=s.RefreshSerializer, responses={200: s.RefreshedSerializer}, auth=[], tags=["auth"])
    def post(self, request: Request) -> Response:
        form = s.RefreshSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        refresher = TokenRefreshSerializer(data=form.validated_data)
        with system_context():  # the blacklist tables and the user's status are not the caller's to read
            try:
                refresher.is_valid(raise_exception=True)
            except TokenError as error:
                raise InvalidToken(error.args[0]) from error
        return Response(refresher.validated_data)


class LogoutView(AnonymousEndpoint):
    """Revoke a refresh token (holding it is the proof). Access tokens expire on their own."""

    answers_401 = True

    @extend_schema(request=s.RefreshSerializer, responses={204: None}, auth=[], tags=["auth"])
    def post(self, request: Request) -> Response:
        form = s.RefreshSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        with system_context():
            try:
                RefreshToken(form.validated_data["refresh"]).blacklist()
            except TokenError as error:
                raise InvalidToken(error.args[0]) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignupView(AnonymousEndpoint):
    """Create an account (no organization yet) and log in."""
    throttle_classes = [AnonymousFormThrottle]

    @extend_schema(request=s.SignupSerializer, responses={201: s.TokenPairSerializer}, auth=[], tags=["auth"])
    def post(self, request: Request) -> Response:
        form = s.SignupSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = services.user_signup(**form.validated_data)
        return Response(issue_tokens(user), status=status.HTTP_201_CREATED)


class OrganizationRegisterView(AnonymousEndpoint):
    """Register an organization with its first org admin, and log that admin in."""
    throttle_classes = [AnonymousFormThrottle]

    @extend_schema(request=s.OrganizationRegisterSerializer, responses={201: s.OrganizationRegisteredSerializer},
                   auth=[], tags=["auth"])
    def post(self, request: Request) -> Response:
        form = s.OrganizationRegisterSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        organization, user = services.organization_register(**form.validated_data)
        answer = issue_tokens(user)
        answer["organization"] = s.OrganizationBriefSerializer(organization).data
        return Response(answer, status=status.HTTP_201_CREATED)


class PasswordResetView(AnonymousEndpoint):
    """Send a link to set a new password. The answer is the same whether the address is known or not."""
    throttle_classes = [AnonymousFormThrottle]

    @extend_schema(request=s.PasswordResetSerializer, responses={202: s.DetailSerializer}, auth=[], tags=["auth"])
    def post(self, request: Request) -> Response:
        form = s.PasswordResetSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = services.password_reset_user(email=form.validated_data["email"])
        if user is not None:
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            link = f"{settings.FRONTEND_URL}/reset-password?uid={uid}&token={default_token_generator.make_token(user)}"
            send_mail("Set a new HumanGlue password",
                      f"Hello {user.full_name},\n\nTo set a new password, open this link (valid for a day):\n"
                      f"{link}\n\nIf you did not ask for it, ignore this e-mail.\n",
                      None, [user.email])
        return Response({"detail": RESET_SENT}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(AnonymousEndpoint):
    """Set a new password with the uid and token of a reset link; every refresh token is revoked."""
    throttle_classes = [AnonymousFormThrottle]

    @extend_schema(request=s.PasswordResetConfirmSerializer, responses={204: None}, auth=[], tags=["auth"])
    def post(self, request: Request) -> Response:
        form = s.PasswordResetConfirmSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        user = None
        try:
            user_id = force_str(urlsafe_base64_decode(data["uid"]))
        except (ValueError, TypeError):
            user_id = None
        if user_id:
            with system_context():
                user = User.objects.with_secrets().filter(pk=user_id, is_active=True).first() \
                    if _is_uuid(user_id) else None
        if user is None or not default_token_generator.check_token(user, data["token"]):
            raise exceptions.ValidationError({"token": ["This link is invalid or has expired."]}, code="invalid_token")
        services.password_reset_confirm(user=user, new_password=data["new_password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(APIView):
    """Change one's own password (the current one is required); every refresh token is revoked."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.PasswordChangeSerializer, responses={204: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        form = s.PasswordChangeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.password_change(user_id=request.user.pk, **form.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["auth"])
class MeView(generics.RetrieveUpdateAPIView):
    """The caller's own profile: read it, and change name, avatar, time zone and preferences."""

    serializer_class = s.MeSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self) -> User:
        return User.objects.get(pk=self.request.user.pk)

    def perform_update(self, serializer: s.MeSerializer) -> None:
        user = serializer.instance
        for field, value in serializer.validated_data.items():
            setattr(user, field, value)
        # Only the columns the caller changed: the row's other columns are not the caller's to write.
        user.save(update_fields=list(serializer.validated_data) or None)


def _is_uuid(value: str) -> bool:
    from uuid import UUID

    try:
        UUID(value)
    except ValueError:
        return False
    return True
