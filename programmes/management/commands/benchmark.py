from django.core.management.base import BaseCommand
from django.db import connection

from programmes import benchmark


class Command(BaseCommand):
    help = (
        "Benchmark the main pages and exports at 100, 1,000 and 5,000 synthetic "
        "programmes in a fresh test database on the configured database server (your "
        "own data is not touched). Prints a table."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="100,1000,5000")
        parser.add_argument("--repeats", type=int, default=7)
        parser.add_argument("--memory-rows", default="10000,100000")
        parser.add_argument(
            "--exports-only",
            action="store_true",
            help="Only the exports: CSV rate, COPY, XLSX against CSV, memory.",
        )

    def handle(self, *args, sizes, repeats, memory_rows, exports_only, **options):
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        try:
            benchmark.run(
                sizes=[int(s) for s in sizes.split(",")],
                repeats=repeats,
                memory_rows=[int(s) for s in memory_rows.split(",") if s],
                pages=not exports_only,
                write=lambda text: (
                    self.stdout.write(text, ending=""),
                    self.stdout.flush(),
                ),
            )
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
