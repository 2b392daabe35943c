from django.urls import path

from . import auth

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
]
