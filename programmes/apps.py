from django.apps import AppConfig
from django.db.models.signals import post_migrate


def install_budget_lines(sender, using="default", **kwargs):
    """After every migrate and flush: the budget-line triggers, and every line
    rebuilt (programmes.budget_lines)."""
    from django.db import connections

    from .budget_lines import install

    install(connections[using])


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programme register"

    def ready(self):
        from . import freshness, history  # noqa: F401 - connect their receivers

        post_migrate.connect(
            install_budget_lines, sender=self, dispatch_uid="install_budget_lines"
        )
