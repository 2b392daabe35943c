from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm

from .models import User


class UserAddForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")
        field_classes: dict = {}

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()


class UserEditForm(UserChangeForm):
    """Django's change form without the password-hash summary: the app role may not read password
    hashes (column privileges); passwords change through the admin's password form."""

    password = None

    class Meta:
        model = User
        exclude = ("password",)
        field_classes: dict = {}
