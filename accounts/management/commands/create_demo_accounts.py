import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import create_user_with_role
from programmes.models import Department

# username, role (None: superuser), what it is for
DEMO_ACCOUNTS = [
    ("demo-civil-servant", "civil-servant", "browse the pages"),
    ("demo-auditor", "auditor", "also reports, exports and the change log"),
    (
        "demo-programme-admin",
        "programme-admin",
        "edits Ministry of Justice programmes in /admin/",
    ),
    ("demo-superuser", None, "everything, the admin included"),
]


class Command(BaseCommand):
    help = (
        "Local only (DEBUG with SQLite): create one demo account per role with a "
        "random password and print it once. Does nothing for accounts that exist."
    )

    def handle(self, *args, **options):
        engine = settings.DATABASES["default"]["ENGINE"]
        if not settings.DEBUG or not engine.endswith("sqlite3"):
            raise CommandError(
                "Demo accounts are only for the local default (DEBUG with SQLite)."
            )
        for username, role, purpose in DEMO_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                self.stdout.write(
                    f"{username} exists already (its password was printed when it was made)."
                )
                continue
            password = secrets.token_urlsafe(12)
            if role is None:
                User.objects.create_superuser(username=username, password=password)
            else:
                departments = (
                    Department.objects.filter(abbreviation="MOJ")
                    if role == "programme-admin"
                    else ()
                )
                create_user_with_role(
                    username=username,
                    role=role,
                    password=password,
                    departments=departments,
                )
            self.stdout.write(
                self.style.SUCCESS(f"{username:22} {password}  ({purpose})")
            )
