import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import ROLES
from accounts.services import create_user_with_role
from programmes.models import Department


class Command(BaseCommand):
    help = (
        "Create a user with a role (civil-servant, auditor or programme-admin). The "
        "password is asked for, or read from standard input with --password-stdin."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLES))
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--department",
            action="append",
            default=[],
            help="For a programme admin: a department slug or abbreviation they may "
            "edit (repeat for several).",
        )
        parser.add_argument("--password-stdin", action="store_true")

    def handle(
        self, *args, username, role, email, department, password_stdin, **options
    ):
        departments = []
        for name in department:
            match = Department.objects.filter(slug=name).first() or next(
                iter(Department.objects.matching_name(name)), None
            )
            if match is None:
                raise CommandError(
                    f"--department {name!r}: no department has that slug or name."
                )
            departments.append(match)
        if departments and role != "programme-admin":
            raise CommandError("--department is only for the programme-admin role.")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        try:
            validate_password(password)
            user = create_user_with_role(
                username=username,
                role=role,
                password=password,
                email=email,
                departments=departments,
            )
        except (ValidationError, ValueError) as error:
            raise CommandError(
                " ".join(getattr(error, "messages", [str(error)]))
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} as {role}."))
