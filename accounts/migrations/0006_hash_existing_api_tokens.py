"""Existing REST framework tokens keep working, now stored as their hash only: the
plain keys are deleted. Not reversible in substance (the keys are gone)."""

import hashlib

from django.db import migrations
from django.utils.crypto import salted_hmac


def hash_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in Token.objects.select_related("user"):
        ApiToken.objects.update_or_create(
            user=token.user,
            defaults={
                "key_sha256": hashlib.sha256(token.key.encode()).hexdigest(),
                # As accounts.services.password_fingerprint, frozen here.
                "password_fingerprint": salted_hmac(
                    "accounts.ApiToken.password",
                    token.user.password,
                    algorithm="sha256",
                ).hexdigest(),
            },
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_api_token"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(hash_tokens, migrations.RunPython.noop)]
