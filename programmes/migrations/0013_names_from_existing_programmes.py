"""Programmes stored before names were kept: their current name becomes a name
they are known by, so imports and search still find them."""

from django.db import migrations

from programmes.names import normalise


def keep_current_names(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    ProgrammeName = apps.get_model("programmes", "ProgrammeName")
    known = set(ProgrammeName.objects.values_list("programme_id", flat=True))
    ProgrammeName.objects.bulk_create(
        ProgrammeName(
            programme_id=pk, name=name, normalised=normalise(name), kind="alias"
        )
        for pk, name in Programme.objects.values_list("pk", "name")
        if pk not in known
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0012_programme_names"),
    ]

    operations = [
        migrations.RunPython(keep_current_names, migrations.RunPython.noop),
    ]
