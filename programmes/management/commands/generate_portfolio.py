from django.core.management.base import BaseCommand, CommandError

from programmes.synthetic import generate_portfolio


class Command(BaseCommand):
    help = (
        "Add a synthetic portfolio for measuring speed: about 40 synthetic departments, "
        "N programmes with 10 financial years of money, benefits, milestones, ratings and "
        "disruptions. Reproducible from --seed; every row is marked synthetic."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programmes", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--departments", type=int, default=40)

    def handle(self, *args, programmes, seed, departments, **options):
        if not 1 <= programmes <= 200_000:
            raise CommandError("--programmes must be between 1 and 200,000.")
        if not 1 <= departments <= 500:
            raise CommandError("--departments must be between 1 and 500.")
        made = generate_portfolio(
            programmes=programmes, seed=seed, departments=departments
        )
        self.stdout.write(
            self.style.SUCCESS(
                "Synthetic portfolio added: "
                + ", ".join(f"{v:,} {k}" for k, v in made.items())
            )
        )
