from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from humanglue.admin.base import ContractModelAdmin, RowSecurityAdminMixin, SecretSafeAdminMixin
from humanglue.admin.forms import GroupedFormMixin

from .forms import UserAddForm, UserEditForm
from .models import Organization, Team, TeamMember, User, UserRoleGrant
from .selectors import organization_members

# simplejwt's refresh-token bookkeeping is reachable only from the system context (login, refresh,
# logout): no staff user, platform admins included, may list or edit it, so it has no admin pages.
for _token_model in (OutstandingToken, BlacklistedToken):
    if admin.site.is_registered(_token_model):
        admin.site.unregister(_token_model)


@admin.register(Organization)
class OrganizationAdmin(GroupedFormMixin, ContractModelAdmin):
    list_display = ["name", "slug", "subscription_tier", "subscription_status", "max_users", "is_active", "created_at"]
    list_filter = ["subscription_tier", "subscription_status", "is_active"]
    search_fields = ["name", "slug", "industry"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["primary_contact"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("name", "slug", "industry", "company_size", "primary_contact", "is_active")}),
        (_("Subscription"), {"fields": ("subscription_tier", "subscription_status", "subscription_expires_at",
                                        "max_users", "max_teams")}),
        (_("Brand"), {"fields": ("logo_url", "website")}),
        (_("Settings"), {"fields": ("settings", "metadata")}),
        (_("Dates"), {"fields": ("created_at", "updated_at")}),
    )


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ["user"]  # organizations can be large: search, not a list
    readonly_fields = ["joined_at"]

    def get_formset(self, request: HttpRequest, obj: Team | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            # A team's members come from its organization (the database refuses anyone else): say so
            # on the form before the database has to.
            user = formset.form.base_fields["user"]
            user.queryset = organization_members(organization_id=obj.organization_id)
            user.error_messages["invalid_choice"] = (
                f"Choose a member of {obj.organization}: only its members may join its teams.")
        return formset


@admin.register(Team)
class TeamAdmin(ContractModelAdmin):
    list_display = ["name", "organization", "parent_team", "is_active", "created_at"]
    list_filter = ["is_active", "organization"]
    search_fields = ["name", "organization__name"]
    autocomplete_fields = ["organization", "parent_team"]
    list_select_related = ["organization", "parent_team"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [TeamMemberInline]


class UserRoleGrantInline(admin.TabularInline):
    model = UserRoleGrant
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organization"]
    raw_id_fields = ["granted_by"]
    readonly_fields = ["granted_at", "created_at"]


@admin.register(User)
class UserAdmin(RowSecurityAdminMixin, SecretSafeAdminMixin, DjangoUserAdmin):
    """Django's user admin, re-shaped for e-mail login and the contract's columns."""

    form = UserEditForm
    add_form = UserAddForm
    ordering = ["email"]
    list_display = ["email", "full_name", "organization", "role", "status", "is_staff", "last_login"]
    list_filter = ["role", "status", "is_staff", "is_superuser", "organization"]
    search_fields = ["email", "full_name", "company_name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["is_active", "last_login", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("email",)}),  # no password hash: the app role may not read it
        (_("Profile"), {"fields": ("full_name", "avatar_url", "phone", "company_name", "job_title", "department",
                                   "timezone", "language", "onboarding_completed", "preferences", "metadata")}),
        (_("Organization"), {"fields": ("organization", "role")}),
        (_("Access"), {"fields": ("status", "is_active", "email_verified", "is_staff", "is_superuser", "groups",
                                  "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    inlines = [UserRoleGrantInline]

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[list, dict, set, list]:
        # Django's collector joins each related row to its user, password hash included, which the app
        # role may not read; the database cascades a user's rows itself (User.delete()).
        objs = list(objs)
        perms_needed = set() if self.has_delete_permission(request) else {self.model._meta.verbose_name}
        return [str(obj) for obj in objs], {self.model._meta.verbose_name_plural: len(objs)}, perms_needed, []


@admin.register(TeamMember)
class TeamMemberAdmin(ContractModelAdmin):
    list_display = ["user", "team", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "team__name"]
    autocomplete_fields = ["user", "team"]
    list_select_related = ["user", "team"]


@admin.register(UserRoleGrant)
class UserRoleGrantAdmin(ContractModelAdmin):
    list_display = ["user", "role", "organization", "granted_at", "expires_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    raw_id_fields = ["granted_by"]
    list_select_related = ["user", "organization"]
    readonly_fields = ["granted_at", "created_at"]
