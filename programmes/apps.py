from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programme register"

    def ready(self):
        from . import history  # noqa: F401 - connects the change-log receiver
