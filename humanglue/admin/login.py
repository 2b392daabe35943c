"""The admin's login form: a non-staff user with the right password is told the account has no admin access."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

NO_ADMIN_ACCESS = ("Your account has no admin access. The admin is for platform admins, organization admins "
                   "and instructors; use the HumanGlue app instead, or ask a platform admin for access.")


class StaffAuthenticationForm(AdminAuthenticationForm):
    """Django's admin login, with a clear answer for a non-staff user who typed the right password.

    Only someone who knows the password learns that the account exists: a wrong password (or an unknown
    e-mail) is refused by ``authenticate`` before ``confirm_login_allowed`` runs, with the usual message.
    """

    error_messages = {**AdminAuthenticationForm.error_messages, "no_admin_access": NO_ADMIN_ACCESS}

    def confirm_login_allowed(self, user: Any) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)  # inactive accounts
        if not user.is_staff:
            raise forms.ValidationError(self.error_messages["no_admin_access"], code="no_admin_access")
