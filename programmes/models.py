"""The programme register. Every figure knows its period, its source, its data date
and whether it is synthetic; withheld, not reported and zero are kept apart."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from . import checks, periods, querysets
from .periods import FIRST_YEAR, LAST_YEAR, financial_year_label

MONEY = {"max_digits": 14, "decimal_places": 2}


class StaleEdit(Exception):
    """Someone else saved the record after this edit began."""


class VersionedModel(models.Model):
    """Optimistic locking: each save bumps `version`; save_checked() refuses to
    overwrite a version other than the one the editor started from."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)

    def validate_constraints(self, exclude=None):
        """Model.validate_constraints, with the check constraints answered in Python
        where they can be (see checks): the same errors, without a query each."""
        using = router.db_for_write(self.__class__, instance=self)
        met = getattr(self, "_constraints_met", ())  # see services.upsert
        errors = {}
        for model_class, model_constraints in self.get_constraints():
            for constraint in model_constraints:
                if constraint.name in met and isinstance(
                    constraint, models.UniqueConstraint
                ):
                    continue
                try:
                    checks.validate(
                        constraint, model_class, self, exclude=exclude, using=using
                    )
                except ValidationError as error:
                    if (
                        getattr(error, "code", None) == "unique"
                        and len(constraint.fields) == 1
                    ):
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_checked(self, expected_version):
        """Save only if the row is still at `expected_version`; the row is locked
        while checking (SELECT ... FOR UPDATE), so two saves cannot both pass."""
        from .freshness import lock_first  # freshness reads DataVersion from here

        with transaction.atomic():
            lock_first()  # the version row before this row: see lock_first
            current = (
                type(self)
                .objects.select_for_update()
                .filter(pk=self.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None and current != expected_version:
                raise StaleEdit(
                    f"{self._meta.verbose_name.capitalize()} “{self}” was changed by someone "
                    f"else after you opened it (it is now at version {current}, you began "
                    f"from {expected_version}). Your change was not saved: look at theirs, "
                    "then make yours again."
                )
            if current is not None:
                self.version = current
            self.save()


class Source(VersionedModel):
    """A publication that figures come from. `key` is the one identity shared by the
    demo data and the importer, so loading both never duplicates a source."""

    class Kind(models.TextChoices):
        GMPP_RELEASE = "gmpp", "GMPP data release"
        AUDIT_REPORT = "audit", "National Audit Office report"
        PARLIAMENT = "parliament", "Parliamentary report"
        GOVERNMENT = "government", "Government publication"
        PUBLIC_RECORD = "public_record", "Public record"
        ARTICLE = "article", "Article (claims, not verified)"
        SYNTHETIC = "synthetic", "Synthetic (generated, not real)"

    key = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    published_year = models.PositiveSmallIntegerField()
    published_on = models.DateField(null=True, blank=True)
    url = models.URLField(blank=True, max_length=500)
    file_name = models.CharField(max_length=300, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    department = models.ForeignKey(
        "Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        help_text="The department that reported these figures, if one did.",
    )
    is_synthetic = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-published_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    published_year__gte=FIRST_YEAR, published_year__lte=LAST_YEAR
                ),
                name="source_published_year_plausible",
                violation_error_message="The year published must be between 1990 and 2100.",
            ),
            models.CheckConstraint(
                condition=Q(is_synthetic=False) | Q(kind="synthetic"),
                name="source_synthetic_kind_matches",
                violation_error_message="A synthetic source must be of the synthetic kind.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.publisher}, {self.published_year})"


class Department(VersionedModel):
    """A department. The slug never changes when the name does; former names and
    abbreviations live in DepartmentAlias, and machinery-of-government changes in
    `predecessors` (a former department may have several successors)."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    abbreviation = models.CharField(max_length=20, unique=True)
    predecessors = models.ManyToManyField(
        "self", symmetrical=False, related_name="successors", blank=True
    )
    is_synthetic = models.BooleanField(default=False)

    objects = querysets.DepartmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:programmes_department_change", args=[self.pk])


class DepartmentAlias(models.Model):
    """Another name a department is known by in published files ("MoJ", "BEIS")."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="aliases"
    )
    alias = models.CharField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "department aliases"
        ordering = ["alias"]
        constraints = [
            models.UniqueConstraint(
                Lower("alias"),
                name="department_alias_unique_ignoring_case",
                violation_error_message="That alias already names a department.",
            )
        ]

    def __str__(self):
        return self.alias


class Programme(VersionedModel):
    class Category(models.TextChoices):
        TRANSFORMATION = (
            "transformation",
            "Government Transformation and Service Delivery",
        )
        ICT = "ict", "ICT"
        INFRASTRUCTURE = "infrastructure", "Infrastructure and Construction"
        MILITARY = "military", "Military Capability"
        NOT_SET = "", "Not categorised"

    class Status(models.TextChoices):
        NOT_KNOWN = "", "Not known (in no release)"
        ACTIVE = "active", "In the GMPP"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        CLOSED = "closed", "Closed early"
        LEFT_GMPP = "left_gmpp", "Left the GMPP"

    slug = models.SlugField(max_length=120, unique=True)
    gmpp_id = models.CharField(
        "GMPP ID",
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text="As published, e.g. DWP_0009_1112-Q1. Blank if it never had one.",
    )
    name = models.CharField(max_length=300)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="programmes"
    )
    description = models.TextField(blank=True)
    category = models.CharField(
        max_length=20, choices=Category.choices, blank=True, default=""
    )
    senior_responsible_owner = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, blank=True, default=Status.NOT_KNOWN
    )
    status_date = models.DateField(
        null=True,
        blank=True,
        help_text="The data date the status is as at: for a programme that left the "
        "GMPP, the last release that listed it.",
    )
    status_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Where the status comes from (a release, or a statement).",
    )
    status_is_derived = models.BooleanField(
        default=True,
        help_text="Derived from the releases; untick to state it yourself, with "
        "its source.",
    )
    baseline_start_date = models.DateField(null=True, blank=True)
    baseline_end_date = models.DateField(null=True, blank=True)
    latest_start_date = models.DateField(null=True, blank=True)
    latest_end_date = models.DateField(null=True, blank=True)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Where the description, dates and status come from.",
    )
    is_synthetic = models.BooleanField(default=False)

    objects = querysets.ProgrammeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["name"]
        permissions = [
            ("export_reports", "Can export budget reports and change logs"),
            ("view_change_log", "Can read the change log"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="") | Q(status_source__isnull=False),
                name="programme_status_has_a_source",
                violation_error_message="Say where the status comes from: choose its source.",
            ),
            models.CheckConstraint(
                condition=Q(baseline_end_date__isnull=True)
                | Q(baseline_start_date__isnull=True)
                | Q(baseline_end_date__gte=F("baseline_start_date")),
                name="programme_baseline_end_not_before_start",
                violation_error_message="The baseline end date cannot be before the baseline start date.",
            ),
            models.CheckConstraint(
                condition=Q(latest_end_date__isnull=True)
                | Q(latest_start_date__isnull=True)
                | Q(latest_end_date__gte=F("latest_start_date")),
                name="programme_latest_end_not_before_start",
                violation_error_message="The latest end date cannot be before the latest start date.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def status_text(self):
        """The status in words with its date: never an unsourced default."""
        if self.status == self.Status.LEFT_GMPP and self.status_date:
            return f"Left the GMPP: last reported in the {self.status_date:%B %Y} data"
        if self.status == self.Status.ACTIVE and self.status_date:
            return f"In the GMPP: listed in the latest release ({self.status_date:%B %Y} data)"
        if self.status and self.status_date:
            return f"{self.get_status_display()} (as at {self.status_date:%-d %B %Y})"
        return self.get_status_display()

    @property
    def end_date_slip_days(self):
        """Days the latest end date is past the baseline end date (negative: early)."""
        if self.baseline_end_date is None or self.latest_end_date is None:
            return None
        return (self.latest_end_date - self.baseline_end_date).days


class ProgrammeName(models.Model):
    """A name a programme is known by: as a release published it (with the first and
    last data dates it was used), or an alias or abbreviation people search for.
    `normalised` is names.normalise(name), for matching imports and searches."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "As published"
        ALIAS = "alias", "Also known as"
        ABBREVIATION = "abbreviation", "Abbreviation"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="names"
    )
    name = models.CharField(max_length=300)
    normalised = models.CharField(max_length=300, db_index=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    first_data_date = models.DateField(null=True, blank=True)
    last_data_date = models.DateField(null=True, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "kind", "first_data_date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name", "kind"],
                name="programme_name_unique",
                violation_error_message="The programme already has that name.",
            )
        ]

    def __str__(self):
        return self.name


class Benefit(VersionedModel):
    """A benefit a programme expects: monetised (cashable or not) or not monetised,
    or a disbenefit. Its amounts by year are FinancialFigure rows."""

    class Category(models.TextChoices):
        MONETISED = "monetised", "Monetised (cashable or not, not stated)"
        CASHABLE = "cashable", "Monetised, cashable"
        NON_CASHABLE = "non_cashable", "Monetised, non-cashable"
        NON_MONETISED = "non_monetised", "Not monetised"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="benefits"
    )
    title = models.CharField(max_length=300)
    category = models.CharField(max_length=20, choices=Category.choices)
    is_disbenefit = models.BooleanField(
        default=False, help_text="A cost to someone that the programme causes."
    )
    description = models.TextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    is_synthetic = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["programme", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "title"], name="benefit_unique_title_per_programme"
            ),
            # The target of the figures' (benefit, programme) foreign key on
            # PostgreSQL (migration 0008): a figure names only its own programme's
            # benefits.
            models.UniqueConstraint(
                fields=["id", "programme"], name="benefit_unique_id_programme"
            ),
        ]

    def __str__(self):
        prefix = "Disbenefit: " if self.is_disbenefit else ""
        return f"{prefix}{self.title}"

    def clean(self):
        super().clean()
        if self.pk is None or self.programme_id is None:
            return
        elsewhere = (
            self.figures.exclude(programme_id=self.programme_id)
            .select_related("programme")
            .first()
        )
        if elsewhere is not None:
            raise ValidationError(
                f"This benefit cannot move to another programme: figures of "
                f"{elsewhere.programme} (for example “{elsewhere}”, id {elsewhere.pk}) "
                "name it. A figure names only its own programme's benefits."
            )


class FinancialFigure(VersionedModel):
    """One published amount: a cost or benefit, baseline, forecast or actual, for one
    financial year, to date, or for the whole life, as known on `data_date`.

    A re-baseline adds a new row and leaves the old one (no longer current); a
    correction edits the row and the history records why."""

    class Measure(models.TextChoices):
        COST = "cost", "Cost"
        BENEFIT = "benefit", "Benefit"

    class Kind(models.TextChoices):
        BASELINE = "baseline", "Baseline"
        FORECAST = "forecast", "Forecast"
        ACTUAL = "actual", "Actual"

    class Period(models.TextChoices):
        FINANCIAL_YEAR = "year", "Financial year"
        TO_DATE = "to_date", "Cumulative to date"
        WHOLE_LIFE = "whole_life", "Whole life"

    class PriceBasis(models.TextChoices):
        NOMINAL = "nominal", "Nominal"
        REAL = "real", "Real"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="figures"
    )
    measure = models.CharField(
        max_length=10, choices=Measure.choices, default=Measure.COST
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    period = models.CharField(max_length=12, choices=Period.choices)
    financial_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The year it starts: 2020 means 2020-21. Only for yearly figures.",
    )
    data_date = models.DateField(
        help_text="The date the figure is as at (a to-date figure runs to this date)."
    )
    amount_gbp = models.DecimalField(
        "amount (£)",
        null=True,
        blank=True,
        help_text="Exact pounds. Leave empty only if the figure was withheld.",
        **MONEY,
    )
    withheld_text = models.CharField(
        max_length=500,
        blank=True,
        help_text="If the publisher withheld the figure, its words as published.",
    )
    benefit = models.ForeignKey(
        Benefit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="figures",
        help_text="For a benefit figure, which benefit (blank for the programme total).",
    )
    price_basis = models.CharField(
        max_length=10, choices=PriceBasis.choices, default=PriceBasis.NOMINAL
    )
    price_base_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For real prices: the base financial year."
    )
    published_variance_pct = models.DecimalField(
        "published variance (%)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The variance as published beside a forecast, kept as published.",
    )
    is_current = models.BooleanField(
        default=True,
        help_text="False once a later baseline or forecast has replaced it.",
    )
    note = models.TextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="figures")
    is_synthetic = models.BooleanField(default=False)

    objects = querysets.FinancialFigureQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["programme", "measure", "financial_year", "kind", "-data_date"]
        indexes = [
            models.Index(
                fields=["programme", "measure", "kind", "period", "financial_year"],
                name="figure_lookup_idx",
            ),
            # "Data up to and including" on every page is MAX(data_date).
            models.Index(fields=["data_date"], name="figure_data_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_gbp__isnull=True) | Q(amount_gbp__gte=0),
                name="figure_amount_not_negative",
                violation_error_message="Budgets, spend, costs and benefits cannot be negative.",
            ),
            models.CheckConstraint(
                condition=(Q(amount_gbp__isnull=True) & ~Q(withheld_text=""))
                | (Q(amount_gbp__isnull=False) & Q(withheld_text="")),
                name="figure_amount_or_withheld",
                violation_error_message=(
                    "Give either an amount or the publisher's words for a withheld "
                    "figure, not both and not neither."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(period="year")
                    & Q(financial_year__isnull=False)
                    & Q(financial_year__gte=FIRST_YEAR)
                    & Q(financial_year__lte=LAST_YEAR)
                )
                | (~Q(period="year") & Q(financial_year__isnull=True)),
                name="figure_year_only_for_yearly_figures",
                violation_error_message=(
                    "A financial-year figure needs its year (1990 to 2100); other "
                    "periods have none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(benefit__isnull=True) | Q(measure="benefit"),
                name="figure_benefit_only_for_benefits",
                violation_error_message="Only a benefit figure can name a benefit.",
            ),
            models.CheckConstraint(
                condition=Q(price_basis="real") | Q(price_base_year__isnull=True),
                name="figure_base_year_only_for_real_prices",
                violation_error_message="Only real prices have a base year.",
            ),
            models.UniqueConstraint(
                F("programme"),
                F("measure"),
                F("kind"),
                F("period"),
                Coalesce(F("financial_year"), Value(0)),
                Coalesce(F("benefit"), Value(0)),
                F("data_date"),
                name="figure_unique_per_programme_year_kind_date",
                violation_error_message=(
                    "This programme already has this figure for that year and data date."
                ),
            ),
            models.UniqueConstraint(
                F("programme"),
                F("measure"),
                F("kind"),
                F("period"),
                Coalesce(F("financial_year"), Value(0)),
                Coalesce(F("benefit"), Value(0)),
                condition=Q(is_current=True),
                name="figure_one_current_per_programme_year_kind",
                violation_error_message=(
                    "This programme already has a current figure of this kind for that "
                    "year: re-baseline it instead of adding a second."
                ),
            ),
        ]

    def __str__(self):
        year = financial_year_label(self.financial_year)
        when = (
            year or f"{self.get_period_display().lower()} at {self.data_date:%-d %b %Y}"
        )
        return f"{self.get_kind_display()} {self.get_measure_display().lower()}, {when}"

    def clean(self):
        super().clean()
        if self.benefit_id is None or self.programme_id is None:
            return
        benefit = (
            Benefit.objects.filter(pk=self.benefit_id)
            .select_related("programme")
            .first()
        )
        if benefit is not None and benefit.programme_id != self.programme_id:
            raise ValidationError(
                f"The benefit “{benefit}” belongs to {benefit.programme}, not to this "
                "figure's programme: choose one of its own programme's benefits."
            )

    def validate_constraints(self, exclude=None):
        # Forms never edit is_current (services do), but its constraint must still
        # be checked so that a second current figure is explained, not a 500.
        super().validate_constraints(set(exclude or ()) - {"is_current"})

    @property
    def is_withheld(self):
        return self.amount_gbp is None

    @property
    def financial_year_label(self):
        return financial_year_label(self.financial_year)


class Precision(models.TextChoices):
    """How precise a date is; the date is stored as the last day of its period."""

    DAY = periods.DAY, "Day"
    MONTH = periods.MONTH, "Month"
    QUARTER = periods.QUARTER, "Quarter"
    SEASON = periods.SEASON, "Season"
    YEAR = periods.YEAR, "Year"
    FINANCIAL_YEAR = periods.FINANCIAL_YEAR, "Financial year"


def _precision_field(help_text="How precise the date is."):
    return models.CharField(
        max_length=20,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text=help_text,
    )


class Milestone(VersionedModel):
    """A dated delivery milestone. Where it has MilestoneStatements, its three dates
    (with their precisions) are derived from them by services.refresh_milestone."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        # What the statements can say of one not achieved: no more than that.
        NOT_ACHIEVED = "not_achieved", "Not reported achieved"
        ACHIEVED = "achieved", "Achieved"
        CANCELLED = "cancelled", "Cancelled"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="milestones"
    )
    title = models.CharField(max_length=300)
    baseline_date = models.DateField(
        null=True, blank=True, help_text="Blank if no planned date was published."
    )
    baseline_precision = _precision_field()
    forecast_date = models.DateField(null=True, blank=True)
    forecast_precision = _precision_field()
    actual_date = models.DateField(null=True, blank=True)
    actual_precision = _precision_field()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    note = models.TextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    is_synthetic = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["programme", "baseline_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "title"],
                name="milestone_unique_title_per_programme",
                violation_error_message="This programme already has a milestone of that name.",
            ),
            models.CheckConstraint(
                condition=Q(baseline_date__isnull=False)
                | Q(forecast_date__isnull=False)
                | Q(actual_date__isnull=False),
                name="milestone_has_a_date",
                violation_error_message="A milestone needs at least one date.",
            ),
            models.CheckConstraint(
                condition=Q(status="achieved", actual_date__isnull=False)
                | (~Q(status="achieved") & Q(actual_date__isnull=True)),
                name="milestone_actual_date_iff_achieved",
                violation_error_message="An achieved milestone needs its actual date, and only an achieved one has one.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def slip_days(self):
        """Days late against the baseline: actual if achieved, else forecast."""
        latest = self.actual_date or self.forecast_date
        if latest is None or self.baseline_date is None:
            return None
        return (latest - self.baseline_date).days

    @property
    def slip(self):
        """The periods.Slip from the baseline to the actual date if achieved, else
        the forecast, counted at the coarser precision of the two; None if unknown."""
        if self.baseline_date is None:
            return None
        if self.actual_date is not None:
            latest = (self.actual_date, self.actual_precision)
        elif self.forecast_date is not None:
            latest = (self.forecast_date, self.forecast_precision)
        else:
            return None
        return periods.slip_between(
            self.baseline_date, self.baseline_precision, *latest
        )

    @property
    def baseline_text(self):
        return periods.format_precise_date(self.baseline_date, self.baseline_precision)

    @property
    def forecast_text(self):
        return periods.format_precise_date(self.forecast_date, self.forecast_precision)

    @property
    def actual_text(self):
        return periods.format_precise_date(self.actual_date, self.actual_precision)


class MilestoneStatement(VersionedModel):
    """One dated statement about a milestone, from its source: the date first
    planned (baseline), a later planned date (forecast, stated on `stated_on` where
    the source says when) or the date achieved (actual). The milestone's own dates
    are derived from these, so every change of plan stays on record."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", "Baseline"
        FORECAST = "forecast", "Forecast"
        ACTUAL = "actual", "Actual"

    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, related_name="statements"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    date = models.DateField(
        help_text="The last day of the period the source gave (31 March 2019 for "
        "“March 2019”, 31 December 2019 for “2019”)."
    )
    precision = models.CharField(max_length=20, choices=Precision.choices)
    stated_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the date was stated, if the source says (the last day of "
        "its period, like the date).",
    )
    stated_on_precision = models.CharField(
        max_length=20, choices=Precision.choices, blank=True
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    is_synthetic = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["milestone", "stated_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "kind", "date", "precision", "source"],
                name="milestone_statement_unique_per_source",
                violation_error_message="This source's statement of that date is "
                "already recorded for this milestone.",
            ),
            models.CheckConstraint(
                condition=Q(stated_on__isnull=True, stated_on_precision="")
                | (Q(stated_on__isnull=False) & ~Q(stated_on_precision="")),
                name="milestone_statement_stated_on_has_precision",
                violation_error_message="Give the precision of the date it was "
                "stated on, and only with that date.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.date_text}"

    def clean(self):
        super().clean()
        for field, precision in (
            ("date", self.precision),
            ("stated_on", self.stated_on_precision),
        ):
            day = getattr(self, field)
            if day and precision and periods.period_end(day, precision) != day:
                raise ValidationError(
                    {
                        field: f"Give the last day of the {precision.replace('-', ' ')}"
                        f" ({periods.period_end(day, precision):%-d %B %Y}), not "
                        f"{day:%-d %B %Y}: dates are stored as their period's end."
                    }
                )

    @property
    def date_text(self):
        return periods.format_precise_date(self.date, self.precision)

    @property
    def stated_on_text(self):
        return periods.format_precise_date(self.stated_on, self.stated_on_precision)

    @property
    def known_by(self):
        """The latest day the statement was known: when stated, else when its
        source was published (the year's end if only the year is known)."""
        if self.stated_on:
            return self.stated_on
        return self.source.published_on or datetime.date(
            self.source.published_year, 12, 31
        )


STATEMENT_KINDS = list(MilestoneStatement.Kind.values)


def in_stated_order(statements):
    """Statements in the order they were made (see known_by); baselines before
    forecasts before actuals made on the same day. Needs the sources loaded."""
    return sorted(
        statements, key=lambda s: (s.known_by, STATEMENT_KINDS.index(s.kind), s.pk or 0)
    )


class Disruption(VersionedModel):
    """An event that changed cost, schedule or scope; one can hit many programmes."""

    class Kind(models.TextChoices):
        EXTERNAL = "external", "External event"
        RESET = "reset", "Programme reset"
        SUPPLIER = "supplier", "Supplier failure"
        POLICY = "policy", "Policy or scope change"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    started_on = models.DateField(null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    is_synthetic = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class DisruptionImpact(VersionedModel):
    """What one disruption did to one programme. Impacts may be negative (an
    underspend); blank means the impact was not quantified."""

    disruption = models.ForeignKey(
        Disruption, on_delete=models.PROTECT, related_name="impacts"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="disruption_impacts"
    )
    cost_impact_gbp = models.DecimalField(
        "cost impact (£)", null=True, blank=True, **MONEY
    )
    schedule_impact_days = models.IntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    is_synthetic = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["disruption", "programme"]
        constraints = [
            models.UniqueConstraint(
                fields=["disruption", "programme"],
                name="impact_unique_per_disruption_programme",
                violation_error_message="This disruption already has an impact recorded for this programme.",
            )
        ]

    def __str__(self):
        return f"{self.disruption} → {self.programme}"


class DeliveryConfidenceAssessment(VersionedModel):
    """A delivery confidence rating at a data date, by the IPA (NISTA) or the SRO."""

    class Rating(models.TextChoices):
        GREEN = "green", "Green"
        AMBER_GREEN = "amber_green", "Amber/Green"
        AMBER = "amber", "Amber"
        AMBER_RED = "amber_red", "Amber/Red"
        RED = "red", "Red"
        EXEMPT = "exempt", "Exempt"
        RESET = "reset", "Reset"
        NOT_SET = "not_set", "Not set"

    class Scale(models.TextChoices):
        FIVE_POINT = "five_point", "Five-point"
        THREE_POINT = "three_point", "Three-point"

    class Assessor(models.TextChoices):
        # The central assurance body of the time (see assessor_name).
        IPA = "ipa", "Central assurance body (MPA, IPA or NISTA)"
        SRO = "sro", "Senior responsible owner"

    FIVE_POINT_ONLY = (Rating.AMBER_GREEN, Rating.AMBER_RED)

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="assessments"
    )
    data_date = models.DateField()
    assessor = models.CharField(
        max_length=10, choices=Assessor.choices, default=Assessor.IPA
    )
    rating = models.CharField(max_length=20, choices=Rating.choices)
    scale = models.CharField(max_length=20, choices=Scale.choices)
    raw_text = models.CharField(
        max_length=500, blank=True, help_text="The rating exactly as published."
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    is_synthetic = models.BooleanField(default=False)

    objects = querysets.AssessmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = "delivery confidence assessment"
        ordering = ["programme", "-data_date", "assessor"]
        indexes = [models.Index(fields=["data_date"], name="assessment_data_date_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "data_date", "assessor"],
                name="assessment_one_per_programme_date_assessor",
                violation_error_message="This programme already has a rating from that assessor at that date.",
            ),
            models.CheckConstraint(
                condition=~Q(
                    scale="three_point", rating__in=["amber_green", "amber_red"]
                ),
                name="assessment_rating_on_its_scale",
                violation_error_message="Amber/Green and Amber/Red exist only on the five-point scale.",
            ),
        ]

    def __str__(self):
        return f"{self.get_rating_display()} ({self.data_date:%-d %b %Y})"

    @property
    def assessor_name(self):
        """Who rated, by the body of the time: the Major Projects Authority (annual
        reports to 2015, data to September 2014), the Infrastructure and Projects
        Authority (reports 2016 to 2024) and NISTA (reports from 2025), or the SRO."""
        return assessor_name(self.assessor, self.data_date)


CENTRAL_BODIES = [
    # (first data date rated by it, name)
    (datetime.date(1900, 1, 1), "Major Projects Authority"),
    (datetime.date(2015, 1, 1), "Infrastructure and Projects Authority"),
    (
        datetime.date(2025, 1, 1),
        "National Infrastructure and Service Transformation Authority (NISTA)",
    ),
]


def assessor_name(assessor, data_date):
    if assessor == DeliveryConfidenceAssessment.Assessor.SRO:
        return "Senior responsible owner"
    return [name for start, name in CENTRAL_BODIES if start <= data_date][-1]


class ScheduleSnapshot(VersionedModel):
    """The start and end dates a programme reported at one data date, so the
    history of its promised end date survives every re-baseline."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="schedule_snapshots"
    )
    data_date = models.DateField()
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    is_synthetic = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["programme", "data_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "data_date"],
                name="schedule_one_per_programme_date",
                violation_error_message="This programme already has dates reported at that data date.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="schedule_end_not_before_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ]

    def __str__(self):
        return f"Dates at {self.data_date:%-d %b %Y}"


class Fact(VersionedModel):
    """A sourced statement that is not a figure of the register: "15 exemplars live
    by March 2015", or a claim of an article (its source's kind says so)."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facts",
        help_text="Blank for a fact about the whole portfolio.",
    )
    disruption = models.ForeignKey(
        Disruption,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facts",
    )
    statement = models.TextField()
    as_at = models.DateField(null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="facts")
    is_synthetic = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["programme", "as_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "source"], name="fact_unique_statement_per_source"
            )
        ]

    def __str__(self):
        return self.statement


class ChangeLogEntry(models.Model):
    """One line of the change log, written from each history record as it is made
    (programmes.history): who changed which field of what, from what to what, and
    why. Append-only; the history tables remain the record it is read from."""

    class Action(models.TextChoices):
        CREATED = "+", "Added"
        CHANGED = "~", "Changed"
        DELETED = "-", "Deleted"

    changed_at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    model_label = models.CharField(max_length=100)
    object_id = models.BigIntegerField()
    object_repr = models.CharField(max_length=300)
    # The id outlives a deleted programme, so its log stays findable by it.
    programme = models.ForeignKey(
        Programme,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="change_log",
        db_constraint=False,
    )
    programme_name = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=1, choices=Action.choices)
    field = models.CharField(max_length=100, blank=True, db_index=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    history_id = models.BigIntegerField(
        help_text="The history record this line comes from."
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name_plural = "change log entries"
        indexes = [
            models.Index(
                fields=["programme", "-changed_at"], name="changelog_programme_idx"
            )
        ]

    def __str__(self):
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.username}: {self.object_repr}"

    @property
    def action_label(self):
        return self.get_action_display()


class ExportLog(models.Model):
    """Every export: who, when, which report, its filters and how many rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    report = models.CharField(max_length=50)
    export_format = models.CharField(max_length=10)
    filters = models.JSONField(default=dict)
    row_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.username} exported {self.report} ({self.export_format})"


def import_reason(sha256, name):
    """The reason every change an imported file makes carries in the history: undo
    finds the file's changes by it."""
    return f"Import {sha256[:12]} ({name})"


class ImportedFile(models.Model):
    """A published file as imported: its bytes and SHA-256, so every figure can be
    traced to the file, row and column it came from, and an import undone whole."""

    name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64, unique=True)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    encoding = models.CharField(max_length=30, blank=True)
    data_date = models.DateField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="files")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    summary = models.TextField(blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.name} ({self.data_date:%-d %b %Y})"

    @property
    def change_reason(self):
        """The reason every change of this import carries in the history."""
        return import_reason(self.sha256, self.name)


class Provenance(models.Model):
    """Where one stored value came from: the file, its row and column."""

    imported_file = models.ForeignKey(
        ImportedFile, on_delete=models.CASCADE, related_name="provenance"
    )
    model_label = models.CharField(max_length=100)
    object_id = models.BigIntegerField()
    row = models.PositiveIntegerField(
        help_text="The row in the file (the header is row 1)."
    )
    column = models.CharField(max_length=500)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["imported_file", "model_label", "object_id", "column"],
                name="provenance_unique_per_file_object_column",
            )
        ]
        indexes = [
            models.Index(
                fields=["model_label", "object_id"], name="provenance_object_idx"
            )
        ]

    def __str__(self):
        return f"{self.imported_file.name}, row {self.row}, {self.column}"


class Narrative(models.Model):
    """A publisher's narrative text, kept with the figures it explains (by programme,
    data date and topic) without changing the figures themselves."""

    class Topic(models.TextChoices):
        DESCRIPTION = "description", "Description and aims"
        RATING = "rating", "Commentary on the delivery confidence assessment"
        SCHEDULE = "schedule", "Narrative on the schedule"
        VARIANCE = "variance", "Narrative on the budget and forecast variance"
        WHOLE_LIFE = "whole_life", "Narrative on the whole-life cost"
        BENEFITS = "benefits", "Narrative on the benefits"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="narratives"
    )
    data_date = models.DateField()
    topic = models.CharField(max_length=20, choices=Topic.choices)
    text = models.TextField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "-data_date", "topic"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "data_date", "topic"],
                name="narrative_one_per_programme_date_topic",
            )
        ]

    def __str__(self):
        return f"{self.get_topic_display()} ({self.data_date:%-d %b %Y})"


class DataVersion(models.Model):
    """One row: a counter and a random token, both moved in the same transaction as
    every write to the register (programmes.freshness), so a cache keyed by the token
    moves with the data on every app server at once. The token, unlike the counter,
    is never reused when a transaction that moved it rolls back."""

    version = models.BigIntegerField(default=0)
    token = models.CharField(max_length=32, default="")

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return f"Data version {self.version}"


class BudgetLineSummary(models.Model):
    """One budget line of the current figures (a programme's current yearly cost
    figures of one financial year, grouped), with the whole-life cost and benefits
    published in the same release. Written only by database triggers on the
    financial figures (programmes.budget_lines), in the same statement as every
    write to them, whichever way it is made: the budget report, its exports and
    the programme pages read these rather than group every figure again.

    As in budget.line_values, a kind's `_withheld` is None when the line has no
    figure of that kind, "" when it gave an amount, else the publisher's words;
    its `_basis` (None: no figure) is that figure's price basis."""

    programme = models.ForeignKey(
        Programme, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    financial_year = models.PositiveSmallIntegerField()
    baseline_gbp = models.DecimalField(null=True, **MONEY)
    baseline_withheld = models.CharField(max_length=500, null=True)  # noqa: DJ001
    baseline_basis = models.CharField(max_length=10, null=True)  # noqa: DJ001
    baseline_base_year = models.PositiveSmallIntegerField(null=True)
    forecast_gbp = models.DecimalField(null=True, **MONEY)
    forecast_withheld = models.CharField(max_length=500, null=True)  # noqa: DJ001
    forecast_basis = models.CharField(max_length=10, null=True)  # noqa: DJ001
    forecast_base_year = models.PositiveSmallIntegerField(null=True)
    actual_gbp = models.DecimalField(null=True, **MONEY)
    actual_withheld = models.CharField(max_length=500, null=True)  # noqa: DJ001
    actual_basis = models.CharField(max_length=10, null=True)  # noqa: DJ001
    actual_base_year = models.PositiveSmallIntegerField(null=True)
    data_date = models.DateField()
    price_basis = models.CharField(max_length=10)
    price_base_year = models.PositiveSmallIntegerField(null=True)
    withheld = models.PositiveIntegerField()
    published_variance_pct = models.DecimalField(
        max_digits=9, decimal_places=2, null=True
    )
    forecast_figure_source = models.ForeignKey(
        Source,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    whole_life_cost_gbp = models.DecimalField(null=True, **MONEY)
    benefits_gbp = models.DecimalField(null=True, **MONEY)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "financial_year"],
                name="budget_line_one_per_programme_year",
            )
        ]

    def __str__(self):
        return f"Budget line {self.programme_id} {self.financial_year}"


class ProgrammeSummary(models.Model):
    """A programme's headline figures as every page shows them: its latest rating
    (and since when), and its newest nominal whole-life cost and benefits
    baselines and spend to date, each with its data date. Written only by database
    triggers on the figures, ratings and programmes (programmes.summaries), in the
    same statement as every write to them, from the one definition of each figure
    (ProgrammeQuerySet.with_computed_summary). No row: nothing published."""

    programme = models.OneToOneField(
        Programme,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="summary",
    )
    latest_rating = models.CharField(max_length=20, null=True)  # noqa: DJ001
    latest_rating_date = models.DateField(null=True)
    latest_rating_assessor = models.CharField(max_length=10, null=True)  # noqa: DJ001
    rating_since = models.DateField(null=True)
    whole_life_cost_gbp = models.DecimalField(null=True, **MONEY)
    whole_life_cost_date = models.DateField(null=True)
    benefits_gbp = models.DecimalField(null=True, **MONEY)
    benefits_date = models.DateField(null=True)
    # A sum of yearly actuals, each up to a money column's largest amount.
    spend_to_date_gbp = models.DecimalField(null=True, max_digits=18, decimal_places=2)
    spend_to_date_date = models.DateField(null=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"Programme summary {self.programme_id}"
