from django.core.management.base import BaseCommand

from programmes.demo import load_demo_data


class Command(BaseCommand):
    help = (
        "Load the real programmes and published facts of the demo data, each figure "
        "with its source. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        counter = load_demo_data()
        for line in counter.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {counter.changes} rows created or changed."
            )
        )
