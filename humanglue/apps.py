from django.apps import AppConfig


class HumanglueConfig(AppConfig):
    name = "humanglue"
    verbose_name = "HumanGlue"
