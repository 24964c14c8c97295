from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


def drop_budget_line_triggers(sender, using="default", plan=None, **kwargs):
    """Before migrations run: no trigger may name a table a migration remakes or
    drops (SQLite remakes a table to alter it, and a trigger naming the kept lines
    makes that fail). post_migrate puts them back and rebuilds every line; until a
    migrate finishes, the kept lines may lag the figures."""
    from django.db import connections

    from .budget_lines import uninstall

    if plan:
        uninstall(connections[using])


def install_budget_lines(sender, using="default", **kwargs):
    """After every migrate and flush: the budget-line triggers, and every line
    rebuilt (programmes.budget_lines)."""
    from django.db import connections

    from .budget_lines import settle

    settle(connections[using])


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programme register"

    def ready(self):
        from . import freshness, history, summaries  # noqa: F401 - their receivers

        pre_migrate.connect(
            drop_budget_line_triggers,
            sender=self,
            dispatch_uid="drop_budget_line_triggers",
        )
        post_migrate.connect(
            install_budget_lines, sender=self, dispatch_uid="install_budget_lines"
        )
