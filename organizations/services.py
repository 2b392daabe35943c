"""Writes of the organizations domain that carry business rules (keyword-only arguments).

Account creation and credential changes run in the system context: the caller is anonymous or may
not read password hashes, and the contract names signup and authentication as system paths (spec 00 §1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from humanglue.security.context import system_context

from . import selectors
from .enums import UserRole
from .models import Organization, Team, TeamMember, User, UserRoleGrant


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


# --- Organizations, members and teams (``/api/v1/organizations/``, ``/teams/``) --------------------------
# These writes run under the caller's rights: the policies and guard triggers of spec 10 decide, and
# the explicit checks below only turn a refusal RLS would make silent (an UPDATE or DELETE that matches
# no row) into a clear 403. The rights are asked of the database's own helpers (selectors).

NOT_ORG_ADMIN = "Only an admin of this organization or a platform admin may do this."
NOT_TEAM_MANAGER = "Only an admin of the team's organization, a platform admin or a lead of this team may do this."
ACCOUNT_EXISTS = ("An account with this e-mail address already exists. Adding an existing account to an "
                  "organization needs a platform admin.")
USER_LIMIT = "The organization has reached its user limit (max_users)."
TEAM_LIMIT = "The organization has reached its team limit (max_teams)."
MEMBER_ROLES = ("member", "team_lead", "org_admin")
UNLIMITED = -1

IMPORT_MAX_BYTES = 1024 * 1024
IMPORT_MAX_ROWS = 1000
IMPORT_COLUMNS = ("email", "full_name", "role")


class Conflict(Exception):
    """A write that conflicts with what already exists or with the organization's plan (answered 409)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _require_org_admin(organization_id: object) -> None:
    if not selectors.caller_administers_organization(organization_id=organization_id):
        raise PermissionDenied(NOT_ORG_ADMIN)


def _require_team_manager(team_id: object) -> None:
    if not selectors.caller_manages_team(team_id=team_id):
        raise PermissionDenied(NOT_TEAM_MANAGER)


def _is_unique_email_violation(error: IntegrityError) -> bool:
    cause = error.__cause__
    return getattr(getattr(cause, "diag", None), "constraint_name", None) in {"users_email_key",
                                                                              "users_email_lower_key"}


def organization_update(*, organization: Organization, data: dict[str, Any]) -> Organization:
    """Change an organization's profile columns (the serializer never passes billing columns; the
    ``guard_organizations_billing_columns`` trigger refuses them anyway)."""
    _require_org_admin(organization.pk)
    for name, value in data.items():
        setattr(organization, name, value)
    if data:
        organization.save(update_fields=list(data))
        organization.refresh_from_db(fields=["updated_at"])
    return organization


def _require_room_for_users(organization: Organization, adding: int) -> None:
    limit = organization.max_users
    if limit != UNLIMITED and selectors.organization_member_count(organization_id=organization.pk) + adding > limit:
        raise Conflict(USER_LIMIT, "user_limit_reached")


def _new_member(*, organization: Organization, email: str, full_name: str, role: str,
                job_title: str | None = None, department: str | None = None) -> User:
    """Insert a user of ``organization`` with an unusable password, under the caller's rights
    (policy ``users_insert_org_admin``; the users guard refuses admin or staff accounts)."""
    user = User(email=User.objects.normalize_email(email.strip()).lower(), full_name=full_name.strip(),
                organization=organization, role=role, job_title=job_title or None, department=department or None)
    user.set_unusable_password()
    try:
        with transaction.atomic():  # a savepoint: the request transaction stays usable after a refusal
            user.save()
    except IntegrityError as error:
        # Another organization's account is invisible to an org admin: the unique index is what finds it.
        if _is_unique_email_violation(error):
            raise Conflict(ACCOUNT_EXISTS, "account_exists") from error
        raise
    return user


def send_set_password_link(*, user: User, organization: Organization) -> None:
    """E-mail an invited user a link to choose a password (the reset-confirm endpoint accepts it)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = f"{settings.FRONTEND_URL}/reset-password?uid={uid}&token={default_token_generator.make_token(user)}"
    send_mail(f"You are invited to {organization.name} on HumanGlue",
              f"Hello {user.full_name},\n\nYou have been added to {organization.name} on HumanGlue. "
              f"To choose your password and log in, open this link (valid for a day):\n{link}\n",
              None, [user.email])


def organization_member_invite(*, organization: Organization, email: str, full_name: str, role: str = "member",
                               job_title: str | None = None, department: str | None = None) -> User:
    """Create a user of the organization and e-mail them a link to set their password."""
    _require_org_admin(organization.pk)
    _require_room_for_users(organization, 1)
    user = _new_member(organization=organization, email=email, full_name=full_name, role=role,
                       job_title=job_title, department=department)
    send_set_password_link(user=user, organization=organization)
    return user


@dataclass
class ImportRow:
    """One data row of a members CSV file (``row`` counts from 1 at the header)."""

    row: int
    email: str
    full_name: str
    role: str
    status: str = ""
    errors: list[dict[str, str]] = field(default_factory=list)

    def fail(self, code: str, detail: str) -> None:
        self.status = "error"
        self.errors.append({"code": code, "detail": detail})


def parse_members_csv(*, content: bytes) -> list[ImportRow]:
    """The rows of a members CSV file: a header ``email,full_name[,role]`` and up to IMPORT_MAX_ROWS rows.

    A file that is too large, not UTF-8, not CSV or without that header is refused as a whole (400).
    """
    if len(content) > IMPORT_MAX_BYTES:
        raise _invalid("file", f"The file is larger than {IMPORT_MAX_BYTES // 1024} KB.", "file_too_large")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _invalid("file", "The file is not UTF-8 text.", "not_utf8") from None
    if "\x00" in text:
        raise _invalid("file", "The file is not a CSV text file.", "not_csv")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise _invalid("file", f"The file is not valid CSV ({error}).", "not_csv") from None
    records = [r for r in records if any(cell.strip() for cell in r)]
    if not records:
        raise _invalid("file", "The file is empty.", "empty")
    header = tuple(cell.strip().lower() for cell in records[0])
    if header not in (IMPORT_COLUMNS[:2], IMPORT_COLUMNS):
        raise _invalid("file", "The first row must be the header email,full_name[,role].", "invalid_header")
    if len(records) - 1 > IMPORT_MAX_ROWS:
        raise _invalid("file", f"The file has more than {IMPORT_MAX_ROWS} rows.", "too_many_rows")
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = [cell.strip() for cell in record]
        item = ImportRow(row=number, email=cells[0] if cells else "", full_name=cells[1] if len(cells) > 1 else "",
                         role=(cells[2] if len(cells) > 2 else "") or "member")
        if len(cells) > len(header):
            item.fail("too_many_columns", f"Expected {len(header)} columns.")
        rows.append(item)
    return rows


def _validate_import_row(item: ImportRow, seen: set[str]) -> None:
    try:
        EmailValidator()(item.email)
        if len(item.email) > 254:
            raise ValidationError("too long")
    except ValidationError:
        item.fail("invalid_email", "Enter a valid e-mail address (at most 254 characters).")
    if not item.full_name or len(item.full_name) > 200:
        item.fail("invalid_full_name", "Give a name of 1 to 200 characters.")
    if item.role not in MEMBER_ROLES:
        item.fail("invalid_role", f"The role is one of {', '.join(MEMBER_ROLES)}.")
    email = item.email.lower()
    if email in seen:
        item.fail("duplicate_email", "This e-mail address appears earlier in the file.")
    seen.add(email)


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[ImportRow]

    @property
    def ok(self) -> bool:
        return all(item.status != "error" for item in self.rows)

    def count(self, status: str) -> int:
        return sum(1 for item in self.rows if item.status == status)


def organization_members_import(*, organization: Organization, content: bytes, dry_run: bool) -> ImportReport:
    """Create the users of a members CSV file (``parse_members_csv``) in the organization, all or nothing.

    Every row is tried for real inside one savepoint (each row in its own, so one refusal does not hide
    the next), which finds exactly what the real run would: accounts the caller cannot see, limits.
    A dry run, or any error row, rolls the savepoint back: nothing is written. Accounts that already
    belong to the organization are reported as ``exists`` and left alone; invitations are e-mailed only
    after a real run that wrote everything.
    """
    _require_org_admin(organization.pk)
    rows = parse_members_csv(content=content)
    report = ImportReport(dry_run=dry_run, rows=rows)
    seen: set[str] = set()
    members = selectors.organization_members(organization_id=organization.pk)
    created: list[User] = []
    with transaction.atomic():
        room = (UNLIMITED if organization.max_users == UNLIMITED
                else organization.max_users - selectors.organization_member_count(organization_id=organization.pk))
        for item in rows:
            _validate_import_row(item, seen)
            if item.status == "error":
                continue
            if members.annotate(email_lower=Lower("email")).filter(email_lower=item.email.lower()).exists():
                item.status = "exists"
                continue
            if room != UNLIMITED and len(created) >= room:
                item.fail("user_limit_reached", USER_LIMIT)
                continue
            try:
                created.append(_new_member(organization=organization, email=item.email,
                                           full_name=item.full_name, role=item.role))
                item.status = "created"
            except Conflict as conflict:
                item.fail(conflict.code, conflict.message)
        if dry_run or not report.ok:
            transaction.set_rollback(True)
    if not dry_run and report.ok:
        for user in created:
            send_set_password_link(user=user, organization=organization)
    return report


def team_create(*, organization: Organization, name: str, description: str | None = None,
                parent_team: Team | None = None, settings: dict | None = None, metadata: dict | None = None,
                is_active: bool = True) -> Team:
    """A team of the organization, within its plan's ``max_teams`` (enforced here, spec 10 teams)."""
    _require_org_admin(organization.pk)
    if organization.max_teams != UNLIMITED and Team.objects.filter(organization=organization).count() >= \
            organization.max_teams:
        raise Conflict(TEAM_LIMIT, "team_limit_reached")
    return Team.objects.create(organization=organization, name=name, description=description,
                               parent_team=parent_team, settings=settings or {}, metadata=metadata or {},
                               is_active=is_active)


def team_update(*, team: Team, data: dict[str, Any]) -> Team:
    """Rename, describe, nest (``parent_team``; the hierarchy trigger refuses other organizations'
    parents and cycles) or deactivate a team."""
    _require_org_admin(team.organization_id)
    for name, value in data.items():
        setattr(team, name, value)
    if data:
        team.save(update_fields=list(data))
        team.refresh_from_db(fields=["updated_at"])
    return team


def team_delete(*, team: Team) -> None:
    """Delete a team: its memberships go with it, its child teams lose their parent (ON DELETE)."""
    _require_org_admin(team.organization_id)
    Team.objects.filter(pk=team.pk).delete()


def team_member_add(*, team: Team, user_id: object, role: str = TeamMember.Role.MEMBER) -> TeamMember:
    """Add a user to the team (the ``validate_team_member_org`` trigger requires them to belong to the
    team's organization; adding someone twice is a unique violation, 409)."""
    _require_team_manager(team.pk)
    if not User.objects.filter(pk=user_id).exists():
        raise _invalid("user", "No such user.", "does_not_exist")
    return TeamMember.objects.create(team=team, user_id=user_id, role=role)


def team_member_update(*, membership: TeamMember, role: str) -> TeamMember:
    """Make a member a lead or back (org admins, platform admins, the team's leads)."""
    _require_team_manager(membership.team_id)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def team_member_remove(*, membership: TeamMember, caller_id: object) -> None:
    """Remove a member; anyone may leave a team themselves (``team_members_delete_self``)."""
    if membership.user_id != caller_id:
        _require_team_manager(membership.team_id)
    TeamMember.objects.filter(pk=membership.pk).delete()
