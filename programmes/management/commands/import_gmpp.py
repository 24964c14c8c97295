import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programmes.gmpp_files import size_problems
from programmes.importing import import_files, parse_links, parse_overrides
from programmes.money import MILLION


class Command(BaseCommand):
    help = (
        "Import departmental GMPP releases (CSV or XLSX, any year's layout). All files "
        "are checked first; then all are written in one transaction, oldest data date "
        "first. Any problem: nothing is written and the command exits non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would change; write nothing.",
        )
        parser.add_argument(
            "--data-date",
            help="The files' data date (YYYY-MM-DD), if their names and headers do not say.",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help="Read a column the importer does not recognise as one of its fields.",
        )
        parser.add_argument(
            "--allow-move",
            action="store_true",
            help="Let rows move a programme (matched by GMPP ID) to another "
            "department; without it such a row is a problem.",
        )

        parser.add_argument(
            "--link",
            action="append",
            default=[],
            metavar="NAME=SLUG",
            help="Say that a published name the importer reports as new is this "
            'programme (its slug), e.g. --link "Emergency Services Network=emergency-services-mobile-communications".',
        )

    def handle(
        self, *args, files, dry_run, data_date, map, allow_move, link, **options
    ):
        try:
            overrides = parse_overrides(map)
            links = parse_links(link)
        except ValueError as error:
            raise CommandError(str(error)) from None
        try:
            when = datetime.date.fromisoformat(data_date) if data_date else None
        except ValueError:
            raise CommandError(
                f"--data-date {data_date!r} is not a date written YYYY-MM-DD "
                "(years 1 to 9999)"
            ) from None
        # The same limits as an upload, checked from the sizes before any is read.
        try:
            sizes = [(path.name, path.stat().st_size) for path in files]
        except OSError as error:
            raise CommandError(
                f"{error.filename}: cannot be read ({error.strerror})"
            ) from None
        refused = size_problems(sizes)
        if refused:
            raise CommandError("; ".join(refused) + ". Nothing was imported.")
        loaded = []
        for path in files:
            try:
                loaded.append((path.name, path.read_bytes()))
            except OSError as error:
                raise CommandError(
                    f"{path}: cannot be read ({error.strerror})"
                ) from None
        result = import_files(
            loaded,
            dry_run=dry_run,
            data_date=when,
            overrides=overrides,
            allow_move=allow_move,
            links=links,
        )
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        if result.warnings.more:
            self.stderr.write(
                self.style.WARNING(f"… and {result.warnings.more} more warnings")
            )
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(self.style.ERROR(str(problem)))
            if result.problems.more:
                self.stderr.write(
                    self.style.ERROR(f"… and {result.problems.more} more problems")
                )
            raise CommandError(
                f"{result.problems.total} problem(s) found; nothing was imported."
            )
        for parsed in sorted(result.files, key=lambda f: f.data_date):
            self.stdout.write(
                f"{parsed.name}: {len(parsed.rows)} programmes, data as at {parsed.data_date:%d %B %Y}"
            )
            for name, (total, count) in parsed.money_totals().items():
                self.stdout.write(f"  {name}: £{total / MILLION:,f}m from {count} rows")
        for line in result.counter.lines():
            self.stdout.write(line)
        verdict = "Dry run: nothing was written" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verdict}: {result.counter.changes} rows would be created or changed."
                if dry_run
                else f"{verdict}: {result.counter.changes} rows created or changed."
            )
        )
