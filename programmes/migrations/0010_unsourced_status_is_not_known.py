"""A status nobody sourced was the model's default, not a fact: it becomes "not
known" until the releases (services.derive_statuses) or an admin say otherwise."""

from django.db import migrations


def forget_unsourced_statuses(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Programme.objects.filter(status_source__isnull=True).exclude(status="").update(
        status=""
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0009_programme_status_from_releases"),
    ]

    operations = [
        migrations.RunPython(forget_unsourced_statuses, migrations.RunPython.noop),
    ]
