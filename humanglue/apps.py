from django.apps import AppConfig


class HumanglueConfig(AppConfig):
    name = "humanglue"
    verbose_name = "HumanGlue"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .contract.definitions import record_after_migrate

        # Once per migrate (sent for this app after every migration ran): the definitions it left.
        post_migrate.connect(record_after_migrate, sender=self, dispatch_uid="humanglue_record_definitions")
