"""Tenants, users, teams and role grants (spec 10 §3).

Every table has a UUID key and timestamps with database defaults, so rows that SQL functions and
triggers insert are valid without Django. ON DELETE actions live in the database (see
``humanglue.db.operations.SetOnDelete``); Django's side is ``DO_NOTHING``.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.functions import TransactionNow
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import EmailValidator, MinValueValidator
from django.db import connections, models
from django.db.models.functions import Lower

from humanglue.db.columns import SecretColumnsModel, SecretColumnsQuerySet, created_at, json_object, updated_at, uuid_pk
from humanglue.db.fields import EnumField, SecretCharField

from .enums import UserRole
from .naming import related_label, user_name

# The ON DELETE action the database performs for every FK of this app (spec 10 §3), as
# "<model>.<field>": action. Migrations apply them with humanglue.db.operations.SetOnDelete and a
# test compares them with the live catalog.
DB_ON_DELETE = {
    "organization.primary_contact": "SET NULL",
    "user.organization": "SET NULL",
    "team.organization": "CASCADE",
    "team.parent_team": "SET NULL",
    "teammember.team": "CASCADE",
    "teammember.user": "CASCADE",
    "userrolegrant.user": "CASCADE",
    "userrolegrant.organization": "CASCADE",
    "userrolegrant.granted_by": "SET NULL",
}


# The values of the text columns with a CHECK list. Module level, not nested in the model: a model's
# Meta cannot see the model's class attributes. The models keep them under their old nested names.
class CompanySize(models.TextChoices):
    S1_10 = "1-10"
    S11_50 = "11-50"
    S51_200 = "51-200"
    S201_500 = "201-500"
    S501_1000 = "501-1000"
    S1000_PLUS = "1000+"


class SubscriptionTier(models.TextChoices):
    FREE = "free"
    STARTER = "starter"
    GROWTH = "growth"
    PROFESSIONAL = "professional"
    ENTERPRISE = "enterprise"


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active"
    TRIALING = "trialing"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    PAUSED = "paused"


class UserStatus(models.TextChoices):
    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"


class TeamRole(models.TextChoices):
    """A team member's role: two of the ``user_role`` enum's values."""

    TEAM_LEAD = "team_lead"
    MEMBER = "member"


class GrantRole(models.TextChoices):
    ADMIN = "admin"
    SUPER_ADMIN_FULL = "super_admin_full"
    SUPER_ADMIN_COURSES = "super_admin_courses"
    ORG_ADMIN = "org_admin"
    TEAM_LEAD = "team_lead"
    MEMBER = "member"
    INSTRUCTOR = "instructor"
    EXPERT = "expert"
    CLIENT = "client"
    USER = "user"


class Organization(models.Model):
    CompanySize = CompanySize
    SubscriptionTier = SubscriptionTier
    SubscriptionStatus = SubscriptionStatus

    id = uuid_pk()
    name = models.TextField()
    slug = models.TextField()
    logo_url = models.TextField(null=True, blank=True)
    website = models.TextField(null=True, blank=True)
    industry = models.TextField(null=True, blank=True)
    company_size = models.TextField(choices=CompanySize.choices, null=True, blank=True)
    subscription_tier = models.TextField(
        choices=SubscriptionTier.choices, default=SubscriptionTier.FREE, db_default="free"
    )
    subscription_status = models.TextField(
        choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE, db_default="active"
    )
    subscription_expires_at = models.DateTimeField(null=True, blank=True)
    max_users = models.IntegerField(default=5, db_default=5, validators=[MinValueValidator(-1)])
    max_teams = models.IntegerField(default=1, db_default=1, validators=[MinValueValidator(-1)])
    settings = json_object()
    metadata = json_object()
    primary_contact = models.ForeignKey(
        "organizations.User", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(default=True, db_default=True)
    created_at = created_at()
    updated_at = updated_at()

    class Meta:
        db_table = "organizations"
        ordering = ["name"]
        constraints = [
            # A UniqueConstraint, not unique=True: on a text column that would add a second (_like) index.
            models.UniqueConstraint(fields=["slug"], name="organizations_slug_key"),
            models.CheckConstraint(
                condition=models.Q(company_size__in=CompanySize.values),
                name="organizations_company_size_check",
            ),
            models.CheckConstraint(
                condition=models.Q(subscription_tier__in=SubscriptionTier.values),
                name="organizations_subscription_tier_check",
            ),
            models.CheckConstraint(
                condition=models.Q(subscription_status__in=SubscriptionStatus.values),
                name="organizations_subscription_status_check",
            ),
            models.CheckConstraint(condition=models.Q(max_users__gte=-1), name="organizations_max_users_check"),
            models.CheckConstraint(condition=models.Q(max_teams__gte=-1), name="organizations_max_teams_check"),
        ]
        indexes = [
            models.Index(fields=["is_active"], condition=models.Q(is_active=True), name="idx_organizations_active"),
            models.Index(fields=["subscription_tier", "subscription_expires_at"], name="idx_organizations_tier_expiry"),
            models.Index(fields=["subscription_status"], name="idx_organizations_sub_status"),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    id = uuid_pk()
    organization = models.ForeignKey(Organization, on_delete=models.DO_NOTHING, related_name="teams")
    name = models.TextField()
    description = models.TextField(null=True, blank=True)
    parent_team = models.ForeignKey(
        "self", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="child_teams"
    )
    settings = json_object()
    metadata = json_object()
    is_active = models.BooleanField(default=True, db_default=True)
    created_at = created_at()
    updated_at = updated_at()

    class Meta:
        db_table = "teams"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="teams_organization_id_name_key"),
            models.CheckConstraint(
                condition=models.Q(parent_team__isnull=True) | ~models.Q(parent_team=models.F("id")),
                name="teams_parent_not_self_check",
            ),
        ]
        indexes = [
            models.Index(fields=["is_active"], condition=models.Q(is_active=True), name="idx_teams_active"),
        ]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(SecretColumnsQuerySet):
    def delete(self) -> tuple[int, dict[str, int]]:
        """One DELETE statement; the database's ON DELETE actions handle every dependent row."""
        pks = list(self.values_list("pk", flat=True))
        return User.delete_by_ids(pks, using=self.db)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def get_queryset(self) -> UserQuerySet:
        # The app role may not read password hashes (column privileges): never select them by default.
        return super().get_queryset().defer(*self.model.secret_fields)

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", UserRole.ADMIN)
        if extra.get("is_staff") is not True or extra.get("is_superuser") is not True:
            raise ValueError("A superuser needs is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # Case-insensitive, through the unique index on lower(email).
        return self.annotate(email_lower=Lower("email")).get(email_lower=(username or "").lower())


class User(SecretColumnsModel, AbstractBaseUser, PermissionsMixin):
    """The Django user model, stored in ``users`` (spec 10 §3). Logs in with e-mail."""

    Status = UserStatus

    id = uuid_pk()
    email = models.TextField(validators=[EmailValidator()])
    password = SecretCharField(max_length=128, db_default="!")
    last_login = models.DateTimeField(null=True, blank=True, db_column="last_login_at")
    is_superuser = models.BooleanField(default=False, db_default=False)
    is_staff = models.BooleanField(default=False, db_default=False)
    full_name = models.TextField()
    avatar_url = models.TextField(null=True, blank=True)
    phone = models.TextField(null=True, blank=True)
    company_name = models.TextField(null=True, blank=True)
    job_title = models.TextField(null=True, blank=True)
    department = models.TextField(null=True, blank=True)
    timezone = models.TextField(default="UTC", db_default="UTC")
    language = models.TextField(default="en", db_default="en")
    organization = models.ForeignKey(
        Organization, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="users"
    )
    role = EnumField(enum_type="user_role", choices=UserRole.choices, default=UserRole.MEMBER, db_default="member")
    status = models.TextField(choices=Status.choices, default=Status.ACTIVE, db_default="active")
    # Kept equal to (status = 'active') by the sync_users_active_status trigger.
    is_active = models.BooleanField(default=True, db_default=True)
    email_verified = models.BooleanField(default=False, db_default=False)
    onboarding_completed = models.BooleanField(default=False, db_default=False)
    preferences = json_object()
    metadata = json_object()
    created_at = created_at()
    updated_at = updated_at()

    objects = UserManager()
    secret_fields = ("password",)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        db_table = "users"
        ordering = ["email"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(fields=["email"], name="users_email_key"),
            models.UniqueConstraint(Lower("email"), name="users_email_lower_key"),
            models.CheckConstraint(
                condition=models.Q(status__in=UserStatus.values), name="users_status_check"
            ),
        ]
        indexes = [
            models.Index(fields=["role"], name="idx_users_role"),
            models.Index(fields=["status"], name="idx_users_status"),
            models.Index(fields=["is_active"], condition=models.Q(is_active=True), name="idx_users_active"),
            GinIndex(OpClass("full_name", name="gin_trgm_ops"), name="idx_users_full_name_trgm"),
            GinIndex(OpClass("email", name="gin_trgm_ops"), name="idx_users_email_trgm"),
            GinIndex(OpClass("company_name", name="gin_trgm_ops"), name="idx_users_company_name_trgm"),
        ]

    def __str__(self) -> str:
        # The row's own columns: naming a user never needs another read.
        return f"{self.full_name} ({self.email})" if self.full_name else self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def delete(self, using: str | None = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Delete with one SQL statement instead of Django's collector.

        Every FK to users has its ON DELETE action in the database (run as the owner), including
        Django's admin log and group links, which the app role may not delete from itself.
        """
        return self.delete_by_ids([self.pk], using=using or "default")

    @classmethod
    def delete_by_ids(cls, pks: list, using: str = "default") -> tuple[int, dict[str, int]]:
        with connections[using].cursor() as cursor:
            cursor.execute("DELETE FROM users WHERE id = ANY(%s::uuid[])", [[str(pk) for pk in pks]])
            count = cursor.rowcount
        return count, {cls._meta.label: count}

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class TeamMember(models.Model):
    Role = TeamRole

    id = uuid_pk()
    team = models.ForeignKey(Team, on_delete=models.DO_NOTHING, related_name="members", db_index=False)
    user = models.ForeignKey(User, on_delete=models.DO_NOTHING, related_name="team_memberships")
    role = EnumField(enum_type="user_role", choices=Role.choices, default=Role.MEMBER, db_default="member")
    joined_at = models.DateTimeField(db_default=TransactionNow(), editable=False)

    class Meta:
        db_table = "team_members"
        ordering = ["role", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_members_team_id_user_id_key"),
            models.CheckConstraint(
                condition=models.Q(role__in=TeamRole.values), name="team_members_role_check"
            ),
        ]
        indexes = [models.Index(fields=["role"], name="idx_team_members_role")]

    def __str__(self) -> str:
        return f"{user_name(self, 'user')} in {related_label(self, 'team')} ({self.get_role_display()})"


PLATFORM_ROLES = ("admin", "super_admin_full", "super_admin_courses")
ORG_ROLES = ("org_admin", "team_lead", "member")


class UserRoleGrant(models.Model):
    """A platform-wide (organization NULL) or org-scoped role grant; table ``user_roles``."""

    Role = GrantRole

    id = uuid_pk()
    user = models.ForeignKey(User, on_delete=models.DO_NOTHING, related_name="role_grants", db_index=False)
    role = models.TextField(choices=Role.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="role_grants",
        db_index=False,
    )
    metadata = json_object()
    granted_by = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="+", db_column="granted_by"
    )
    granted_at = models.DateTimeField(db_default=TransactionNow())
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = created_at()

    class Meta:
        db_table = "user_roles"
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization"], name="unique_user_role_org", nulls_distinct=False
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=GrantRole.values), name="user_roles_role_check"
            ),
            models.CheckConstraint(
                condition=(
                    (models.Q(role__in=PLATFORM_ROLES) & models.Q(organization__isnull=True))
                    | (models.Q(role__in=ORG_ROLES) & models.Q(organization__isnull=False))
                    | models.Q(role__in=["instructor", "expert", "client", "user"])
                ),
                name="user_roles_scope_check",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=models.F("granted_at")),
                name="user_roles_expiry_check",
            ),
        ]
        indexes = [
            models.Index(fields=["role"], name="idx_user_roles_role"),
            models.Index(
                fields=["organization"], condition=models.Q(organization__isnull=False), name="idx_user_roles_org"
            ),
            models.Index(
                fields=["expires_at"], condition=models.Q(expires_at__isnull=False), name="idx_user_roles_expires"
            ),
        ]

    def __str__(self) -> str:
        scope = f" in {related_label(self, 'organization')}" if self.organization_id else " (platform)"
        return f"{self.get_role_display()}: {user_name(self, 'user')}{scope}"


class PublicProfile(models.Model):
    """The people anyone may name: instructors and experts with a public face (view ``public_profiles``,
    organizations/sql/0008_api_platform.sql). Read-only; nested people in the API and the admin come from
    ``organizations.selectors.people_by_id``, which reads users under the caller's policies first."""

    id = models.UUIDField(primary_key=True)
    full_name = models.TextField()
    avatar_url = models.TextField(null=True)

    class Meta:
        managed = False
        db_table = "public_profiles"

    def __str__(self) -> str:
        return self.full_name
