from django.core.management.base import BaseCommand, CommandError

from programmes.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database: pg_dump (custom format) for PostgreSQL, a consistent copy for SQLite."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            help="Where to write it (default: backups/transform-tracker-<time>.*).",
        )

    def handle(self, *args, file, **options):
        try:
            path = backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backed up to {path}"))
