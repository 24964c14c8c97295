from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programme register"

    def ready(self):
        from . import freshness, history  # noqa: F401 - connect their receivers
