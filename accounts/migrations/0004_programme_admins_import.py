"""Programme admins may upload GMPP files (and see and undo their imports)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = ["add_importedfile", "view_importedfile", "change_importedfile"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name="Programme admins")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="programmes", codename__in=PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Programme admins").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="programmes", codename__in=PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_roles"),
        ("programmes", "0004_imports"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
