"""The Django admin is the programme admins' data-entry tool. Every change to an
existing programme or figure asks for a reason, which the history keeps."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError, RestrictedError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import services
from .admin_base import (
    REASON_HELP,
    DepartmentScopedMixin,
    NumericIdsMixin,
    ReasonAdmin,
    ScopedQuerysetMixin,
    pk_or_404,
)
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
    Programme,
    ScheduleSnapshot,
    Source,
)
from .money import format_gbp
from .scope import is_within


def money_column(field_name, label):
    @admin.display(description=label, ordering=field_name)
    def column(self, obj):
        return format_gbp(getattr(obj, field_name))

    return column


class SourceMixin:
    autocomplete_fields = ["source"]


class FinancialFigureInline(ScopedQuerysetMixin, SourceMixin, admin.TabularInline):
    model = FinancialFigure
    fk_name = "programme"
    extra = 0
    fields = [
        "measure",
        "kind",
        "period",
        "financial_year",
        "data_date",
        "amount_gbp",
        "amount_display",
        "withheld_text",
        "published_variance_pct",
        "price_basis",
        "is_current",
        "source",
    ]
    readonly_fields = ["amount_display", "is_current"]
    show_change_link = True
    can_delete = False
    amount_display = money_column("amount_gbp", "Amount")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "benefit")


class BenefitInline(ScopedQuerysetMixin, SourceMixin, admin.TabularInline):
    model = Benefit
    extra = 0
    fields = ["title", "category", "is_disbenefit", "description", "source"]
    can_delete = False


class MilestoneInline(ScopedQuerysetMixin, SourceMixin, admin.TabularInline):
    model = Milestone
    extra = 0
    fields = [
        "title",
        "baseline_date",
        "forecast_date",
        "actual_date",
        "status",
        "slip",
        "source",
    ]
    readonly_fields = ["slip"]
    can_delete = False

    @admin.display(description="Slip (days)")
    def slip(self, obj):
        return "" if obj.slip_days is None else obj.slip_days


class AssessmentInline(ScopedQuerysetMixin, SourceMixin, admin.TabularInline):
    model = DeliveryConfidenceAssessment
    extra = 0
    fields = ["data_date", "assessor", "rating", "scale", "raw_text", "source"]
    can_delete = False


class DisruptionImpactInline(ScopedQuerysetMixin, SourceMixin, admin.TabularInline):
    model = DisruptionImpact
    extra = 0
    fields = [
        "disruption",
        "programme",
        "cost_impact_gbp",
        "schedule_impact_days",
        "note",
        "source",
    ]
    autocomplete_fields = ["source", "disruption", "programme"]
    can_delete = False


class ScheduleSnapshotInline(ScopedQuerysetMixin, SourceMixin, admin.TabularInline):
    model = ScheduleSnapshot
    extra = 0
    fields = ["data_date", "start_date", "end_date", "source"]
    can_delete = False


class LatestRatingFilter(admin.SimpleListFilter):
    title = "latest delivery confidence"
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        return DeliveryConfidenceAssessment.Rating.choices

    def queryset(self, request, queryset):
        if self.value() in DeliveryConfidenceAssessment.Rating.values:
            return queryset.with_latest_rating().filter(latest_rating=self.value())
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
    autocomplete_fields = ["department", "source"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["department"]
    inlines = [
        FinancialFigureInline,
        BenefitInline,
        MilestoneInline,
        AssessmentInline,
        DisruptionImpactInline,
        ScheduleSnapshotInline,
    ]
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
                    "status",
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
class FinancialFigureAdmin(DepartmentScopedMixin, SourceMixin, ReasonAdmin):
    list_display = [
        "programme",
        "measure",
        "kind",
        "period",
        "financial_year_label",
        "amount",
        "withheld_text",
        "data_date",
        "is_current",
        "source",
    ]
    list_filter = [
        "measure",
        "kind",
        "period",
        "is_current",
        "financial_year",
        "is_synthetic",
    ]
    search_fields = ["programme__name", "programme__gmpp_id"]
    autocomplete_fields = ["programme", "source", "benefit"]
    list_select_related = ["programme", "source"]
    readonly_fields = ["is_current"]
    amount = money_column("amount_gbp", "Amount")
    change_form_template = "admin/programmes/financialfigure/change_form.html"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/rebaseline/",
                self.admin_site.admin_view(self.rebaseline_view),
                name="programmes_financialfigure_rebaseline",
            ),
            *super().get_urls(),
        ]

    def rebaseline_view(self, request, object_id):
        figure = get_object_or_404(
            self.get_queryset(request), pk=pk_or_404(FinancialFigure, object_id)
        )
        if not self.has_change_permission(request, figure):
            raise PermissionDenied
        form = RebaselineForm(request.POST or None, figure=figure)
        if request.method == "POST" and form.is_valid():
            try:
                new = services.rebaseline_figure(
                    figure=figure,
                    user=request.user,
                    **form.cleaned_data,
                )
            except Exception as error:  # noqa: BLE001 - shown to the user as a form error
                form.add_error(None, str(getattr(error, "messages", [error])[0]))
            else:
                self.message_user(
                    request,
                    f"Re-baselined: {new} is now current; the earlier baseline is kept.",
                    messages.SUCCESS,
                )
                return redirect(
                    reverse("admin:programmes_financialfigure_change", args=[new.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Re-baseline: {figure}",
            "figure": figure,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/programmes/financialfigure/rebaseline.html", context
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


class RebaselineForm(forms.Form):
    amount_gbp = forms.DecimalField(
        label="New baseline (£)", max_digits=14, decimal_places=2, min_value=0
    )
    data_date = forms.DateField(
        label="Date the new baseline was approved",
        help_text="Must be after the current baseline's date.",
    )
    source = forms.ModelChoiceField(queryset=Source.objects.all())
    reason = forms.CharField(max_length=500, help_text=REASON_HELP)

    def __init__(self, *args, figure, **kwargs):
        super().__init__(*args, **kwargs)
        self.figure = figure

    def clean_data_date(self):
        data_date = self.cleaned_data["data_date"]
        if data_date <= self.figure.data_date:
            raise forms.ValidationError(
                f"The new baseline must be dated after the current one "
                f"({self.figure.data_date:%d %B %Y})."
            )
        return data_date

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason for the re-baseline.")
        return reason


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
    department_path = None
    list_display = ["name", "kind", "started_on", "source"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]
    inlines = [DisruptionImpactInline]


@admin.register(Milestone)
class MilestoneAdmin(DepartmentScopedMixin, SourceMixin, ReasonAdmin):
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
class AssessmentAdmin(DepartmentScopedMixin, SourceMixin, ReasonAdmin):
    list_display = ["programme", "data_date", "assessor", "rating", "scale", "raw_text"]
    list_filter = ["rating", "scale", "assessor"]
    search_fields = ["programme__name", "raw_text"]
    autocomplete_fields = ["programme", "source"]
    list_select_related = ["programme"]


@admin.register(Benefit)
class BenefitAdmin(DepartmentScopedMixin, SourceMixin, ReasonAdmin):
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
class DisruptionImpactAdmin(DepartmentScopedMixin, SourceMixin, ReasonAdmin):
    list_display = ["disruption", "programme", "cost_impact", "schedule_impact_days"]
    list_filter = ["disruption"]
    autocomplete_fields = ["disruption", "programme", "source"]
    list_select_related = ["disruption", "programme"]
    cost_impact = money_column("cost_impact_gbp", "Cost impact")


@admin.register(ScheduleSnapshot)
class ScheduleSnapshotAdmin(DepartmentScopedMixin, SourceMixin, ReasonAdmin):
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
