from django.urls import path

from . import auth, organizations, teams, users

urlpatterns = [
    path("auth/token/", auth.TokenView.as_view(), name="auth-token"),
    path("auth/token/refresh/", auth.TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("auth/logout/", auth.LogoutView.as_view(), name="auth-logout"),
    path("auth/signup/", auth.SignupView.as_view(), name="auth-signup"),
    path("auth/register-organization/", auth.OrganizationRegisterView.as_view(), name="auth-register-organization"),
    path("auth/password/reset/", auth.PasswordResetView.as_view(), name="auth-password-reset"),
    path("auth/password/reset/confirm/", auth.PasswordResetConfirmView.as_view(), name="auth-password-reset-confirm"),
    path("auth/password/change/", auth.PasswordChangeView.as_view(), name="auth-password-change"),
    path("auth/me/", auth.MeView.as_view(), name="auth-me"),

    path("organizations/", organizations.OrganizationListView.as_view(), name="organization-list"),
    path("organizations/<uuid:pk>/", organizations.OrganizationDetailView.as_view(), name="organization-detail"),
    path("organizations/<uuid:pk>/members/", organizations.MemberListView.as_view(), name="organization-members"),
    path("organizations/<uuid:pk>/members/invite/", organizations.MemberInviteView.as_view(),
         name="organization-member-invite"),
    path("organizations/<uuid:pk>/members/import/", organizations.MemberImportView.as_view(),
         name="organization-member-import"),
    path("organizations/<uuid:pk>/members/export/", organizations.MemberExportView.as_view(),
         name="organization-member-export"),
    path("organizations/<uuid:pk>/teams/", organizations.OrganizationTeamListView.as_view(),
         name="organization-teams"),
    path("teams/<uuid:pk>/", teams.TeamDetailView.as_view(), name="team-detail"),
    path("teams/<uuid:pk>/members/", teams.TeamMemberListView.as_view(), name="team-members"),
    path("teams/<uuid:pk>/members/<uuid:user_id>/", teams.TeamMemberDetailView.as_view(), name="team-member-detail"),
    path("users/", users.UserListView.as_view(), name="user-list"),
    path("users/<uuid:pk>/", users.UserDetailView.as_view(), name="user-detail"),
]
