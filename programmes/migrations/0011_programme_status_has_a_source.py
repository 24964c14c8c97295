from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0010_unsourced_status_is_not_known"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="programme",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status", ""), ("status_source__isnull", False), _connector="OR"
                ),
                name="programme_status_has_a_source",
                violation_error_message="Say where the status comes from: choose its source.",
            ),
        ),
    ]
