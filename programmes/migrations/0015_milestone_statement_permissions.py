"""Everyone who reads milestones reads their statements; programme admins add and
change them (their departments' only: the admin scopes them). Reversible."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Civil servants": ["view_milestonestatement"],
    "Auditors": ["view_milestonestatement"],
    "Programme admins": [
        "view_milestonestatement",
        "add_milestonestatement",
        "change_milestonestatement",
    ],
}


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="programmes", codename__in=codenames
    )


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*_permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0014_milestone_statements"),
        ("accounts", "0004_programme_admins_import"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
