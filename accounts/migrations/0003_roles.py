"""Creates the three role groups with their permissions (reversible)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# A frozen copy of accounts.roles.ROLES as it stood: later changes need a migration.
ROLES = {
    "auditor": (
        "Auditors",
        [
            "programmes.view_programme",
            "programmes.view_financialfigure",
            "programmes.view_benefit",
            "programmes.view_milestone",
            "programmes.view_deliveryconfidenceassessment",
            "programmes.view_disruptionimpact",
            "programmes.view_schedulesnapshot",
            "programmes.view_fact",
            "programmes.view_disruption",
            "programmes.view_source",
            "programmes.view_department",
            "programmes.view_departmentalias",
            "programmes.export_reports",
            "programmes.view_change_log",
        ],
    ),
    "civil-servant": (
        "Civil servants",
        [
            "programmes.view_programme",
            "programmes.view_financialfigure",
            "programmes.view_benefit",
            "programmes.view_milestone",
            "programmes.view_deliveryconfidenceassessment",
            "programmes.view_disruptionimpact",
            "programmes.view_schedulesnapshot",
            "programmes.view_fact",
            "programmes.view_disruption",
            "programmes.view_source",
            "programmes.view_department",
            "programmes.view_departmentalias",
        ],
    ),
    "programme-admin": (
        "Programme admins",
        [
            "programmes.view_programme",
            "programmes.view_financialfigure",
            "programmes.view_benefit",
            "programmes.view_milestone",
            "programmes.view_deliveryconfidenceassessment",
            "programmes.view_disruptionimpact",
            "programmes.view_schedulesnapshot",
            "programmes.view_fact",
            "programmes.view_disruption",
            "programmes.view_source",
            "programmes.view_department",
            "programmes.view_departmentalias",
            "programmes.add_programme",
            "programmes.change_programme",
            "programmes.add_financialfigure",
            "programmes.change_financialfigure",
            "programmes.add_benefit",
            "programmes.change_benefit",
            "programmes.add_milestone",
            "programmes.change_milestone",
            "programmes.add_deliveryconfidenceassessment",
            "programmes.change_deliveryconfidenceassessment",
            "programmes.add_disruptionimpact",
            "programmes.change_disruptionimpact",
            "programmes.add_schedulesnapshot",
            "programmes.change_schedulesnapshot",
            "programmes.add_fact",
            "programmes.change_fact",
            "programmes.add_disruption",
            "programmes.change_disruption",
            "programmes.add_source",
            "programmes.change_source",
        ],
    ),
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after migrate; make them now to use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLES.values():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            wanted.append(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[name for name, _ in ROLES.values()]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_departments"),
        ("programmes", "0002_report_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
