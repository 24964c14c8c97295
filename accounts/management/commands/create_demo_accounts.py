import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User

DEMO_ACCOUNTS = [
    # username, superuser, description
    ("demo-admin", True, "superuser: the Django admin at /admin/"),
]


class Command(BaseCommand):
    help = (
        "Local only (DEBUG with SQLite): create the demo accounts with random "
        "passwords and print them once. Does nothing for accounts that exist."
    )

    def handle(self, *args, **options):
        engine = settings.DATABASES["default"]["ENGINE"]
        if not settings.DEBUG or not engine.endswith("sqlite3"):
            raise CommandError(
                "Demo accounts are only for the local default (DEBUG with SQLite)."
            )
        for username, superuser, description in DEMO_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                self.stdout.write(
                    f"{username} exists already (password printed when it was made)."
                )
                continue
            password = secrets.token_urlsafe(12)
            maker = (
                User.objects.create_superuser if superuser else User.objects.create_user
            )
            maker(username=username, password=password)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {username} ({description}) password: {password}"
                )
            )
