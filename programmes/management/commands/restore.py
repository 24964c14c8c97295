from django.core.management.base import BaseCommand, CommandError

from programmes.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore the database from a backup made by `backup`, replacing what is there."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirm: the database's contents are replaced.",
        )

    def handle(self, *args, file, yes, **options):
        if not yes:
            raise CommandError(
                "Restoring replaces everything in the database; add --yes to confirm."
            )
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored from {file}"))
