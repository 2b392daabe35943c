from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organizations"
    verbose_name = "Organizations and users"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .signals import update_last_login_as_system

        # Replace Django's own handler (same dispatch_uid) with the system-context one.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(update_last_login_as_system, dispatch_uid="update_last_login")
