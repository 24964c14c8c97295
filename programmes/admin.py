"""The Django admin is the programme admins' data-entry tool. Every change to an
existing programme or figure asks for a reason, which the history keeps."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import milestones, services
from .admin_base import (
    DepartmentScopedMixin,
    NumericIdsMixin,
    ReasonAdmin,
    ScopedQuerysetMixin,
    pk_or_404,
)
from .admin_forms import FigureForm, ImpactForm, SuccessorForm
from .admin_sections import programme_parts
from .history import programme_changes
from .models import (
    Benefit,
    DeliveryConfidenceAssessment,
    Department,
    DepartmentAlias,
    Disruption,
    DisruptionImpact,
    Fact,
    FinancialFigure,
    ImportedFile,
    Milestone,
    MilestoneStatement,
    Programme,
    ScheduleSnapshot,
    Source,
)
from .money import format_gbp
from .periods import financial_year_label
from .scope import is_within, user_departments


def money_column(field_name, label):
    @admin.display(description=label, ordering=field_name)
    def column(self, obj):
        return format_gbp(getattr(obj, field_name))

    return column


class SourceMixin:
    autocomplete_fields = ["source"]


class LatestSourceMixin:
    """A new row of a programme (the Add links pass ?programme=) starts with that
    programme's latest source, when the user may edit the programme."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        wanted = str(initial.get("programme", ""))
        if wanted.isdigit() and "source" not in initial:
            programme = Programme.objects.filter(
                pk=wanted, department__in=self._editable_departments(request)
            ).first()
            if programme is not None:
                initial["source"] = services.latest_source(programme)
        return initial

    def _editable_departments(self, request):
        if request.user.is_superuser:
            return Department.objects.all()
        return user_departments(request.user)


class DisruptionImpactInline(ScopedQuerysetMixin, SourceMixin, admin.TabularInline):
    """A disruption's impacts, one row per programme hit, each with its own cost,
    schedule effect and note; the source is the disruption's unless one is chosen.
    Rows carry their version (ImpactForm) and are saved with the main form's reason."""

    model = DisruptionImpact
    form = ImpactForm
    fields = [
        "programme",
        "cost_impact_gbp",
        "schedule_impact_days",
        "note",
        "source",
        "expected_version",
    ]
    autocomplete_fields = ["source", "programme"]
    can_delete = False

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 2  # a new disruption usually hits more than one


class LatestRatingFilter(admin.SimpleListFilter):
    title = "latest delivery confidence"
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        return DeliveryConfidenceAssessment.Rating.choices

    def queryset(self, request, queryset):
        if self.value() in DeliveryConfidenceAssessment.Rating.values:
            return queryset.with_latest_rating().filter(latest_rating=self.value())
        return queryset


class FinancialYearFilter(admin.SimpleListFilter):
    title = "financial year"
    parameter_name = "financial_year"

    def lookups(self, request, model_admin):
        years = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list("financial_year", flat=True)
            .distinct()
        )
        return [
            (year, financial_year_label(year))
            for year in sorted(set(years) - {None}, reverse=True)
        ]

    def queryset(self, request, queryset):
        # A year from the address is text; "Show counts" passes each choice's
        # year as lookups() gave it, a number.
        value = str(self.value() or "")
        if value.isascii() and value.isdigit():
            return queryset.filter(financial_year=int(value))
        return queryset


@admin.register(Programme)
class ProgrammeAdmin(DepartmentScopedMixin, ReasonAdmin):
    department_path = "department"
    list_display = [
        "name",
        "gmpp_id",
        "department",
        "status",
        "latest_rating_display",
        "whole_life_cost",
        "latest_end_date",
        "is_synthetic",
    ]
    list_filter = [
        "department",
        LatestRatingFilter,
        "status",
        "category",
        "is_synthetic",
    ]
    search_fields = ["name", "gmpp_id", "description", "senior_responsible_owner"]
    autocomplete_fields = ["department", "source", "status_source"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["department"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "gmpp_id",
                    "department",
                    "category",
                    # A status needs its source (a check constraint): both on the
                    # form, so the form says so instead of the database refusing;
                    # one stated by hand is kept from the releases' derivation.
                    ("status", "status_source", "status_is_derived"),
                    "senior_responsible_owner",
                    "description",
                ]
            },
        ),
        (
            "Dates",
            {
                "fields": [
                    ("baseline_start_date", "baseline_end_date"),
                    ("latest_start_date", "latest_end_date"),
                ]
            },
        ),
        ("Source", {"fields": ["source", "is_synthetic"]}),
        ("Why", {"fields": ["change_reason", "expected_version"]}),
    ]
    object_history_template = "admin/programmes/programme/object_history.html"

    def get_readonly_fields(self, request, obj=None):
        # Slugs are stable: set once, never changed with the name. Moving a
        # programme to another department needs a superuser.
        if obj is None:
            return []
        return ["slug"] if request.user.is_superuser else ["slug", "department"]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    def get_queryset(self, request):
        return super().get_queryset(request).with_latest_rating().with_whole_life_cost()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Its parts in sections with links, not every row as an inline form: each
        # is changed on its own page, with its own reason and version check.
        pk = pk_or_404(Programme, object_id)
        programme = self.get_queryset(request).filter(pk=pk).first()
        if programme is not None:
            extra_context = {
                **(extra_context or {}),
                "parts": programme_parts(programme),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="Latest rating", ordering="latest_rating")
    def latest_rating_display(self, obj):
        return (
            DeliveryConfidenceAssessment.Rating(obj.latest_rating).label
            if obj.latest_rating
            else ""
        )

    whole_life_cost = money_column("whole_life_cost_gbp", "Whole-life cost")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/delete-everything/",
                self.admin_site.admin_view(self.delete_everything_view),
                name="programmes_programme_delete_everything",
            ),
            path(
                "<path:object_id>/merge/",
                self.admin_site.admin_view(self.merge_view),
                name="programmes_programme_merge",
            ),
            *super().get_urls(),
        ]

    def delete_view(self, request, object_id, extra_context=None):
        # One way to delete a programme: the deliberate page, which asks for a reason.
        pk = pk_or_404(Programme, object_id)
        if not request.user.is_superuser:
            raise PermissionDenied
        return redirect("admin:programmes_programme_delete_everything", pk)

    def delete_everything_view(self, request, object_id):
        """Deleting a programme that holds figures: superusers only, typing its
        name and giving a reason; every deletion is kept in the history."""
        pk = pk_or_404(Programme, object_id)
        if not request.user.is_superuser:
            raise PermissionDenied
        programme = get_object_or_404(Programme, pk=pk)
        form = DeleteProgrammeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                count = services.delete_programme(
                    programme=programme,
                    confirm_name=form.cleaned_data["confirm_name"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except ValueError as error:
                form.add_error("confirm_name", str(error))
            except (ProtectedError, RestrictedError) as error:
                blockers = sorted(
                    {
                        f"{type(row)._meta.verbose_name} “{row}” (id {row.pk})"
                        for row in error.args[1]
                    }
                )
                form.add_error(
                    None,
                    f"Nothing was deleted: {programme.name} is still referred to by "
                    f"{', '.join(blockers[:10])}. Change or delete those first.",
                )
            else:
                self.message_user(
                    request,
                    f"Deleted {programme.name} and {count - 1} rows it held; the history keeps them all.",
                    messages.SUCCESS,
                )
                return redirect("admin:programmes_programme_changelist")
        held = {
            relation: getattr(programme, relation).count()
            for relation in services.PROGRAMME_PARTS
        }
        context = {
            **self.admin_site.each_context(request),
            "title": f"Delete {programme.name} and everything it holds",
            "programme": programme,
            "held": held,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/programmes/programme/delete_everything.html", context
        )

    def merge_view(self, request, object_id):
        """Merge another programme (a duplicate) into this one: superusers only,
        with a reason; everything it holds moves here (services.merge_programmes)."""
        pk = pk_or_404(Programme, object_id)
        if not request.user.is_superuser:
            raise PermissionDenied
        programme = get_object_or_404(Programme, pk=pk)
        form = MergeProgrammeForm(request.POST or None, keep=programme)
        if request.method == "POST" and form.is_valid():
            absorb = form.cleaned_data["absorb"]
            try:
                moved = services.merge_programmes(
                    keep=programme,
                    absorb=absorb,
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except services.MergeRefused as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request,
                    f"Merged {absorb.name} into {programme.name}: {moved} rows moved; "
                    "the history keeps every change with your reason.",
                    messages.SUCCESS,
                )
                return redirect("admin:programmes_programme_change", programme.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge a duplicate into {programme.name}",
            "programme": programme,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/programmes/programme/merge.html", context
        )

    def history_view(self, request, object_id, extra_context=None):
        programme = get_object_or_404(Programme, pk=pk_or_404(Programme, object_id))
        if not self.has_view_history_permission(request, programme):
            raise PermissionDenied
        extra_context = {
            **(extra_context or {}),
            "part_changes": programme_changes(programme)[:500],
        }
        return super().history_view(request, object_id, extra_context)


@admin.register(FinancialFigure)
class FinancialFigureAdmin(
    LatestSourceMixin, DepartmentScopedMixin, SourceMixin, ReasonAdmin
):
    # Few, short columns (the figure's name says kind, measure and year) so the
    # list fits 1280 pixels beside its filters.
    list_display = [
        "__str__",
        "programme",
        "amount_or_withheld",
        "data_date",
        "is_current",
    ]
    ordering = ["programme", "-financial_year", "kind", "-data_date"]
    list_filter = [
        "measure",
        "kind",
        "period",
        "is_current",
        FinancialYearFilter,
        "is_synthetic",
    ]
    search_fields = ["programme__name", "programme__gmpp_id"]
    autocomplete_fields = ["programme", "source", "benefit"]
    list_select_related = ["programme", "source"]
    form = FigureForm
    change_form_template = "admin/programmes/financialfigure/change_form.html"

    @admin.display(description="Amount", ordering="amount_gbp")
    def amount_or_withheld(self, obj):
        return format_gbp(obj.amount_gbp) if obj.amount_gbp is not None else "Withheld"

    # Which figure a row is: fixed once saved. A different figure is a newer one.
    IDENTITY = [
        "programme",
        "measure",
        "kind",
        "period",
        "year",
        "benefit",
        "data_date",
        "is_current",
    ]

    @admin.display(description="Financial year")
    def year(self, obj):
        return obj.financial_year_label or "—"

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "is_synthetic"]
        if obj is None:
            return [f for f in fields if f not in ("is_current", "year")]
        rest = [f for f in fields if f not in self.IDENTITY and f != "financial_year"]
        return [*self.IDENTITY, *rest]

    def get_readonly_fields(self, request, obj=None):
        return self.IDENTITY if obj else []

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason")
        if not change:
            services.add_figure(figure=obj, reason=reason, user=request.user)
            return
        services.correct_figure(
            figure=obj,
            reason=reason,
            user=request.user,
            expected_version=form.cleaned_data.get("expected_version"),
            **{
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in services.CORRECTABLE
            },
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/rebaseline/",
                self.admin_site.admin_view(self.rebaseline_view),
                name="programmes_financialfigure_rebaseline",
            ),
            path(
                "<path:object_id>/newer/",
                self.admin_site.admin_view(self.newer_view),
                name="programmes_financialfigure_newer",
            ),
            *super().get_urls(),
        ]

    def rebaseline_view(self, request, object_id):
        return self._successor_view(
            request, object_id, services.rebaseline_figure, "Re-baseline"
        )

    def newer_view(self, request, object_id):
        return self._successor_view(
            request, object_id, services.record_newer_figure, "Record a newer figure"
        )

    def _successor_view(self, request, object_id, service, action):
        """A newer figure or a new baseline: the service adds it as current and
        keeps the earlier one, no longer current; the message says what was read."""
        pk = pk_or_404(FinancialFigure, object_id)
        figure = self.get_queryset(request).filter(pk=pk).first()
        if figure is None:
            self.refuse_out_of_scope(request, object_id)
            raise Http404(f"There is no financial figure with the id {pk}.")
        if not self.has_change_permission(request, figure):
            raise PermissionDenied
        if (
            service is services.rebaseline_figure
            and figure.kind != figure.Kind.BASELINE
        ):
            return redirect("admin:programmes_financialfigure_newer", figure.pk)
        form = SuccessorForm(
            request.POST or None,
            figure=figure,
            initial={"source": services.latest_source(figure.programme)},
        )
        if request.method == "POST" and form.is_valid():
            try:
                new = service(figure=figure, user=request.user, **form.cleaned_data)
            except (services.EntryRefused, ValidationError) as error:
                form.add_error(
                    None, "; ".join(getattr(error, "messages", [str(error)]))
                )
            else:
                self.message_user(
                    request,
                    f"{figure.programme}: {new} of {format_gbp(new.amount_gbp)} as at "
                    f"{new.data_date:%d %B %Y} is now current; the one as at "
                    f"{figure.data_date:%d %B %Y} ({format_gbp(figure.amount_gbp)}) is "
                    "kept, no longer current.",
                    messages.SUCCESS,
                )
                return redirect(
                    reverse("admin:programmes_financialfigure_change", args=[new.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{action}: {figure.programme}, {figure}",
            "action": action,
            "figure": figure,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/programmes/financialfigure/successor.html", context
        )


class DeleteProgrammeForm(forms.Form):
    confirm_name = forms.CharField(
        label="Type the programme's name to confirm",
        max_length=300,
        widget=forms.TextInput(attrs={"size": 60, "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label="Why it is being deleted",
        max_length=500,
        widget=forms.TextInput(attrs={"size": 80}),
    )


class MergeProgrammeForm(forms.Form):
    absorb = forms.CharField(
        label="The duplicate to merge into this programme (its slug)",
        max_length=120,
        widget=forms.TextInput(attrs={"size": 60, "autocomplete": "off"}),
        help_text="Everything it holds moves here and it is deleted; its names are "
        "kept as this programme's.",
    )
    reason = forms.CharField(
        label="Why they are the same programme",
        max_length=500,
        widget=forms.TextInput(attrs={"size": 80}),
    )

    def __init__(self, *args, keep, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep = keep

    def clean_absorb(self):
        slug = self.cleaned_data["absorb"].strip()
        absorb = Programme.objects.filter(slug=slug).first()
        if absorb is None:
            raise forms.ValidationError(f"No programme has the slug {slug!r}.")
        if absorb.pk == self.keep.pk:
            raise forms.ValidationError("Choose another programme than this one.")
        return absorb


class DepartmentAliasInline(admin.TabularInline):
    model = DepartmentAlias
    extra = 1


@admin.register(Department)
class DepartmentAdmin(DepartmentScopedMixin, ReasonAdmin):
    department_path = None
    list_display = ["name", "abbreviation", "slug", "is_synthetic"]
    search_fields = ["name", "abbreviation", "aliases__alias"]
    filter_horizontal = ["predecessors"]
    inlines = [DepartmentAliasInline]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []


@admin.register(Source)
class SourceAdmin(DepartmentScopedMixin, ReasonAdmin):
    department_path = None
    list_display = [
        "title",
        "publisher",
        "published_year",
        "kind",
        "key",
        "is_synthetic",
    ]
    list_filter = ["kind", "published_year", "is_synthetic"]
    search_fields = ["title", "publisher", "key", "file_name"]
    autocomplete_fields = ["department"]


@admin.register(Disruption)
class DisruptionAdmin(DepartmentScopedMixin, SourceMixin, ReasonAdmin):
    """A disruption and every programme it hit, in one form: the source chosen once
    here is each impact's unless that row names its own."""

    department_path = None
    list_display = ["name", "kind", "started_on", "source"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]
    inlines = [DisruptionImpactInline]
    fields = [
        "name",
        "slug",
        ("kind", "started_on"),
        "source",
        "description",
        "change_reason",
        "expected_version",
    ]
    prepopulated_fields = {"slug": ["name"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "description" in form.base_fields:
            form.base_fields["description"].widget.attrs.update(rows=3)
        return form

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []  # slugs are stable

    def get_changeform_initial_data(self, request):
        # The newest source of the editor's departments: usually the release or
        # report the disruption is read from.
        initial = super().get_changeform_initial_data(request)
        if "source" not in initial:
            newest = (
                Source.objects.filter(department__in=user_departments(request.user))
                .order_by("-published_year", "-pk")
                .first()
            )
            if newest is not None:
                initial["source"] = newest
        return initial

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    def prepare_inline_row(self, obj, parent):
        if isinstance(obj, DisruptionImpact) and obj.source_id is None:
            obj.source = parent.source
        obj.is_synthetic = obj.is_synthetic or parent.is_synthetic


class MilestoneStatementInline(ScopedQuerysetMixin, SourceMixin, admin.TabularInline):
    """A new baseline, forecast or actual with its precision and source; saved by
    milestones.record_statement, which refreshes the milestone's own dates."""

    model = MilestoneStatement
    department_path = "milestone__programme__department"
    extra = 1
    fields = ["kind", "date", "precision", "stated_on", "stated_on_precision", "source"]
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class MilestoneStatementsMixin:
    """On the milestone admin: statements are written through the service, and a
    milestone's dates, once it has statements, are theirs (read-only here)."""

    inlines = [MilestoneStatementInline]
    derived_fields = [
        "baseline_date",
        "baseline_precision",
        "forecast_date",
        "forecast_precision",
        "actual_date",
        "actual_precision",
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.statements.exists():
            readonly += [*self.derived_fields, "status"]
        return readonly

    def save_formset(self, request, form, formset, change):
        if formset.model is not MilestoneStatement:
            return super().save_formset(request, form, formset, change)
        reason = form.cleaned_data.get("change_reason") or "Created"
        for statement in formset.save(commit=False):
            milestones.record_statement(statement, reason=reason, user=request.user)


@admin.register(Milestone)
class MilestoneAdmin(
    MilestoneStatementsMixin, DepartmentScopedMixin, SourceMixin, ReasonAdmin
):
    list_display = [
        "title",
        "programme",
        "baseline_date",
        "forecast_date",
        "actual_date",
        "status",
    ]
    list_filter = ["status"]
    search_fields = ["title", "programme__name"]
    autocomplete_fields = ["programme", "source"]
    list_select_related = ["programme"]


@admin.register(DeliveryConfidenceAssessment)
class AssessmentAdmin(
    LatestSourceMixin, DepartmentScopedMixin, SourceMixin, ReasonAdmin
):
    list_display = ["programme", "data_date", "assessor", "rating", "scale", "raw_text"]
    list_filter = ["rating", "scale", "assessor"]
    search_fields = ["programme__name", "raw_text"]
    autocomplete_fields = ["programme", "source"]
    list_select_related = ["programme"]


@admin.register(Benefit)
class BenefitAdmin(LatestSourceMixin, DepartmentScopedMixin, SourceMixin, ReasonAdmin):
    list_display = ["title", "programme", "category", "is_disbenefit"]
    list_filter = ["category", "is_disbenefit"]
    search_fields = ["title", "programme__name"]
    autocomplete_fields = ["programme", "source"]
    list_select_related = ["programme"]


@admin.register(Fact)
class FactAdmin(DepartmentScopedMixin, SourceMixin, ReasonAdmin):
    department_path = None
    list_display = ["statement", "programme", "as_at", "source"]
    search_fields = ["statement"]
    autocomplete_fields = ["programme", "source", "disruption"]
    list_select_related = ["programme", "source"]


@admin.register(DisruptionImpact)
class DisruptionImpactAdmin(
    LatestSourceMixin, DepartmentScopedMixin, SourceMixin, ReasonAdmin
):
    list_display = ["disruption", "programme", "cost_impact", "schedule_impact_days"]
    list_filter = ["disruption"]
    autocomplete_fields = ["disruption", "programme", "source"]
    list_select_related = ["disruption", "programme"]
    cost_impact = money_column("cost_impact_gbp", "Cost impact")


@admin.register(ScheduleSnapshot)
class ScheduleSnapshotAdmin(
    LatestSourceMixin, DepartmentScopedMixin, SourceMixin, ReasonAdmin
):
    list_display = ["programme", "data_date", "start_date", "end_date"]
    autocomplete_fields = ["programme", "source"]
    list_select_related = ["programme"]
    search_fields = ["programme__name"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="GMPP files (CSV or XLSX)",
        help_text="One or more departmental releases; all are checked before any is written.",
    )
    data_date = forms.DateField(
        required=False,
        label="Data date",
        help_text="Only if the file names and headers do not say (YYYY-MM-DD).",
    )
    column_map = forms.CharField(
        required=False,
        label="Columns to read as",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="One per line, as Header text=field, for a column the importer did not recognise.",
    )
    links = forms.CharField(
        required=False,
        label="Names to link to programmes",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="One per line, as Published name=programme-slug, for a name the "
        "check reported as new that is in fact an existing programme.",
    )
    dry_run = forms.BooleanField(
        required=False,
        initial=True,
        label="Check only (dry run): show what would change, write nothing",
    )
    allow_move = forms.BooleanField(
        required=False,
        label="Allow moves: rows may move a programme to another department",
        help_text="Superusers only. Without it a row naming another department "
        "for a programme's GMPP ID is a problem.",
    )

    def __init__(self, *args, superuser=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not superuser:
            del self.fields["allow_move"]

    def clean_files(self):
        from .gmpp_files import size_problems

        files = self.cleaned_data["files"]
        for upload in files:
            if not upload.name.lower().endswith((".csv", ".xlsx", ".xlsm")):
                raise forms.ValidationError(f"{upload.name} is not a CSV or XLSX file.")
        problems = size_problems([(upload.name, upload.size) for upload in files])
        if problems:
            raise forms.ValidationError([f"{p[0].upper()}{p[1:]}." for p in problems])
        return files

    def clean_links(self):
        from .importing import parse_links

        lines = [
            line for line in self.cleaned_data["links"].splitlines() if line.strip()
        ]
        try:
            return parse_links(lines)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_column_map(self):
        from .importing import parse_overrides

        lines = [
            line
            for line in self.cleaned_data["column_map"].splitlines()
            if line.strip()
        ]
        try:
            return parse_overrides(lines)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


@admin.register(ImportedFile)
class ImportedFileAdmin(NumericIdsMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "data_date",
        "imported_by",
        "imported_at",
        "size",
        "short_sha",
        "undone_at",
    ]
    readonly_fields = [
        "name",
        "sha256",
        "size",
        "encoding",
        "data_date",
        "source",
        "imported_by",
        "imported_at",
        "undone_at",
    ]
    exclude = ["content", "summary"]
    actions = ["undo_selected"]
    change_list_template = "admin/programmes/importedfile/change_list.html"

    def history_view(self, request, object_id, extra_context=None):
        # Like every register history: only within the user's departments (the
        # file's source), or for the one who imported it.
        imported = get_object_or_404(
            ImportedFile, pk=pk_or_404(ImportedFile, object_id)
        )
        if imported.imported_by_id != request.user.pk and not is_within(
            request.user, imported.source
        ):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    @admin.display(description="SHA-256")
    def short_sha(self, obj):
        return obj.sha256[:12]

    def has_add_permission(self, request):
        return False  # files arrive through the upload page

    def has_delete_permission(self, request, obj=None):
        return False  # undo an import instead; the file stays as evidence

    def get_urls(self):
        from django.views.decorators.csrf import csrf_exempt

        return [
            path(
                "upload/",
                # Exempt only so that the upload limits go in before the body is
                # read; upload_view checks the CSRF token itself.
                self.admin_site.admin_view(csrf_exempt(self.upload_view)),
                name="programmes_importedfile_upload",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        from django.views.decorators.csrf import csrf_protect

        from .upload_limits import LimitedUploadHandler, declared_size_problem

        if not request.user.has_perm("programmes.add_importedfile"):
            raise PermissionDenied
        limits = None
        if request.method == "POST":
            refused = declared_size_problem(request)
            if refused:
                form = UploadForm(superuser=request.user.is_superuser)
                return self._upload_page(request, form, None, refused)
            limits = LimitedUploadHandler(request)
            request.upload_handlers.insert(0, limits)
        return csrf_protect(lambda r: self._upload(r, limits))(request)

    def _upload(self, request, limits):
        from .importing import import_files

        superuser = request.user.is_superuser
        if limits is not None:
            request.FILES  # noqa: B018 - reading the body runs the limits
            if limits.refused:
                return self._upload_page(
                    request, UploadForm(superuser=superuser), None, limits.refused
                )
        form = UploadForm(
            request.POST or None, request.FILES or None, superuser=superuser
        )
        result = None
        if request.method == "POST" and form.is_valid():
            files = [
                (upload.name, upload.read()) for upload in form.cleaned_data["files"]
            ]
            result = import_files(
                files,
                dry_run=form.cleaned_data["dry_run"],
                user=request.user,
                data_date=form.cleaned_data["data_date"],
                overrides=form.cleaned_data["column_map"],
                allowed_departments=None
                if superuser
                else set(request.user.departments.all()),
                create_departments=superuser,
                allow_move=superuser and form.cleaned_data.get("allow_move", False),
                links=form.cleaned_data["links"],
            )
            if result.ok and result.written:
                self.message_user(
                    request,
                    f"Imported: {result.counter.changes} rows created or changed.",
                    messages.SUCCESS,
                )
        return self._upload_page(request, form, result, "")

    def _upload_page(self, request, form, result, refused):
        from . import gmpp_files as limits

        context = {
            "limits": {
                "files": limits.MAX_FILES,
                "total_mb": limits.MAX_TOTAL_BYTES // limits.MB,
                "file_mb": limits.MAX_FILE_BYTES // limits.MB,
                "unpacked_mb": limits.MAX_UNCOMPRESSED_BYTES // limits.MB,
                "rows": f"{limits.MAX_ROWS:,}",
                "columns": limits.MAX_COLUMNS,
            },
            **self.admin_site.each_context(request),
            "title": "Upload GMPP files",
            "form": form,
            "result": result,
            "refused": refused,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request,
            "admin/programmes/importedfile/upload.html",
            context,
            status=413 if refused else 200,
        )

    @admin.action(description="Undo the selected imports (every change they made)")
    def undo_selected(self, request, queryset):
        from .importing import UndoRefused, undo_import

        for imported in queryset:
            if not (
                request.user.is_superuser or imported.imported_by_id == request.user.pk
            ):
                self.message_user(
                    request,
                    f"{imported.name}: only its importer or a superuser can undo it.",
                    messages.ERROR,
                )
                continue
            try:
                count = undo_import(imported, user=request.user)
            except UndoRefused as error:
                self.message_user(
                    request, f"{imported.name}: not undone. {error}", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    f"{imported.name}: undone ({count} changes reversed).",
                    messages.SUCCESS,
                )
