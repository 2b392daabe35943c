"""Writes of the organizations domain that carry business rules (keyword-only arguments).

Account creation and credential changes run in the system context: the caller is anonymous or may
not read password hashes, and the contract names signup and authentication as system paths (spec 00 §1).
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.text import slugify

from humanglue.security.context import system_context

from .enums import UserRole
from .models import Organization, User, UserRoleGrant


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


EMAIL_TAKEN = "An account with this e-mail address already exists."


def _require_free_email(email: str) -> str:
    email = User.objects.normalize_email(email.strip()).lower()
    if User.objects.annotate(email_lower=Lower("email")).filter(email_lower=email).exists():
        raise _invalid("email", EMAIL_TAKEN, "email_taken")
    return email


def _validated_password(password: str, user: User, field: str = "password") -> str:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None
    return password


def user_signup(*, email: str, password: str, full_name: str) -> User:
    """A new account of no organization, logged in by the caller with the tokens it gets back."""
    with system_context(), transaction.atomic():
        email = _require_free_email(email)
        user = User(email=email, full_name=full_name.strip())
        user.set_password(_validated_password(password, user))
        try:
            user.save()
        except IntegrityError as error:  # a concurrent signup with the same address won the race
            raise _invalid("email", EMAIL_TAKEN, "email_taken") from error
        return user


def organization_register(*, organization_name: str, email: str, password: str, full_name: str,
                          organization_slug: str | None = None) -> tuple[Organization, User]:
    """A new organization and its first org admin (a user whose home it is, with the org_admin grant)."""
    with system_context(), transaction.atomic():
        email = _require_free_email(email)
        name = organization_name.strip()
        slug = slugify(organization_slug or name)[:100]
        if not slug:
            raise _invalid("organization_slug", "Give a name or a slug with letters or digits.", "invalid")
        if Organization.objects.filter(slug=slug).exists():
            raise _invalid("organization_slug", "This slug is taken.", "slug_taken")
        user = User(email=email, full_name=full_name.strip(), role=UserRole.ORG_ADMIN)
        user.set_password(_validated_password(password, user))
        organization = Organization.objects.create(name=name, slug=slug)
        user.organization = organization
        user.save()
        UserRoleGrant.objects.create(user=user, role=UserRoleGrant.Role.ORG_ADMIN, organization=organization)
        Organization.objects.filter(pk=organization.pk).update(primary_contact=user)
        organization.primary_contact = user
        return organization, user


def password_change(*, user_id: object, old_password: str, new_password: str) -> None:
    """Change one's own password; every refresh token issued before is revoked."""
    with system_context(), transaction.atomic():
        user = User.objects.with_secrets().get(pk=user_id)
        if not user.check_password(old_password):
            raise _invalid("old_password", "The current password is not correct.", "password_incorrect")
        user.set_password(_validated_password(new_password, user, "new_password"))
        user.save(update_fields=["password"])
        revoke_refresh_tokens(user_id=user.pk)


def password_reset_user(*, email: str) -> User | None:
    """The active account with a usable password at ``email``, or None (the caller answers the same)."""
    with system_context():
        user = (User.objects.with_secrets().annotate(email_lower=Lower("email"))
                .filter(email_lower=email.strip().lower(), is_active=True).first())
    return user if user is not None and user.has_usable_password() else None


def password_reset_confirm(*, user: User, new_password: str) -> None:
    with system_context(), transaction.atomic():
        user.set_password(_validated_password(new_password, user, "new_password"))
        user.save(update_fields=["password"])
        revoke_refresh_tokens(user_id=user.pk)


def revoke_refresh_tokens(*, user_id: object) -> int:
    """Blacklist every outstanding refresh token of the user (logout everywhere)."""
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    with system_context():
        revoked = 0
        for token in OutstandingToken.objects.filter(user_id=user_id, blacklistedtoken__isnull=True):
            BlacklistedToken.objects.get_or_create(token=token)
            revoked += 1
        return revoked
