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
        parser.add_argument(
            "--beside-real-data",
            action="store_true",
            help="Add synthetic programmes to a database that holds real ones (their "
            "totals would then mix; every synthetic row stays tagged).",
        )

    def handle(self, *args, programmes, seed, departments, beside_real_data, **options):
        from programmes.models import Programme

        if (
            Programme.objects.filter(is_synthetic=False).exists()
            and not beside_real_data
        ):
            raise CommandError(
                "This database holds real programmes; synthetic ones would mix into its "
                "totals. Use an empty database (make bench makes its own), or pass "
                "--beside-real-data if you mean it."
            )
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
