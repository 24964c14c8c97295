from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import issue_api_token


class Command(BaseCommand):
    help = (
        "Make a new API token for a user and print it (the only time it is shown); "
        "the user's old token stops working."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        self.stdout.write(issue_api_token(user=user))
