"""Auditors' reports. Permissions are checked here, on the server, for the page and
for every export."""

from django.contrib.auth.decorators import permission_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django_tables2.data import TableListData

from .. import exports
from ..budget import BUDGET_COLUMNS, BudgetRows
from ..freshness import KeptQuerysetData, cached
from ..models import ExportLog
from ..reports import (
    CHANGE_COLUMNS,
    BudgetReportForm,
    ChangeLogForm,
    budget_copy_sql,
    budget_query,
    change_log,
    export_rows,
    first_recorded,
    programme_suggestions,
)
from ..tables import BudgetTable, ChangeLogTable, ExportLogTable
from .common import configure_table

EXPORT_PERMISSION = "programmes.export_reports"
# ExportLog has no column for the outcome (a programmes migration, not ours to add
# here): an export that has not finished says so among its filters.
UNFINISHED_KEY = "Export"
UNFINISHED = "started, not finished (failed, stopped or still running)"
FORMATS = {"csv": exports.csv_response, "xlsx": exports.xlsx_response}
BUDGET_NOTES = [
    "One row per programme and financial year: the current baseline, forecast and actual "
    "for that year; with an as-at moment, the figures, names and ratings as stored then, "
    "rebuilt from the change history; with a release, the figures exactly as that "
    "release published them.",
    "Money is in exact pounds. [x] means not reported; [c] means the publisher withheld "
    "the figure (its words are in the 'Withheld, as published' column); [z] means not "
    "applicable (a variance needs both a baseline and a forecast). Zero means zero.",
    "Variance (£) is forecast minus baseline; Variance (%) is that divided by the "
    "baseline, rounded half up to two places. GMPP releases publish a rounded variance; "
    "these are computed from the figures. A total variance is the sum of the variances "
    "of the rows that have both figures, and says how many those are.",
    "Figures in real terms are never added to nominal ones: each price basis has its "
    "own totals row. The 2025-26 NISTA release gives money in real terms.",
    "Whole-life cost and benefits are those published in the same release (data date) "
    "as the row's figures, repeated on each row of that release: do not add them up "
    "down the column.",
    "Source: the departments' Government Major Projects Portfolio data releases (Open "
    "Government Licence v3.0) and the reports named on each programme's page.",
]


def _export(request, report, *, name, form, export_format, copy=None):
    if not request.user.has_perm(EXPORT_PERMISSION):
        return render(
            request,
            "403.html",
            {"reason": "Only auditors can export reports."},
            status=403,
        )

    # Logged before the first byte, so an export that fails or is abandoned part
    # way still leaves its row, marked unfinished until the last row is written.
    entry = ExportLog.objects.create(
        user=request.user,
        username=request.user.get_username(),
        report=name,
        export_format=export_format,
        filters={**form.applied(), UNFINISHED_KEY: UNFINISHED},
        row_count=0,
    )

    def log(count):
        entry.filters = form.applied()
        entry.row_count = count
        entry.save(update_fields=["filters", "row_count"])

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    filename = f"{name}-{stamp}"
    if (
        copy is not None
        and export_format == "csv"
        and connection.vendor == "postgresql"
    ):
        copy_sql, db_count = copy
        return exports.copy_csv_response(
            report,
            copy_sql=copy_sql,
            db_count=db_count,
            filename=filename,
            on_done=log,
        )
    return FORMATS[export_format](report, filename=filename, on_done=log)


def _header(request, title, form, data_date):
    def header():
        return [
            ("Report", title),
            ("Data up to and including", data_date() or "no figures"),
            ("Made at", timezone.localtime().strftime("%d %B %Y %H:%M:%S %Z")),
            ("Made by", request.user.get_username()),
            (
                "Filters",
                "; ".join(f"{k}: {v}" for k, v in form.applied().items()) or "none",
            ),
            (
                "Source",
                "Government Major Projects Portfolio data releases (OGL v3.0) and the reports cited on each programme's page",
            ),
        ]

    return header


def _export_format(request, form):
    """The requested export format, or None for the page; an unknown one is a form
    error that names the value."""
    export_format = request.GET.get("_export")
    if export_format is None or export_format in FORMATS:
        return export_format
    form.add_error(None, f"There is no {export_format!r} export: choose csv or xlsx.")
    return None


@permission_required("programmes.view_programme", raise_exception=True)
def budget_report(request):
    form = BudgetReportForm(request.GET)
    valid = form.is_valid()
    export_format = _export_format(request, form)
    valid = valid and not form.non_field_errors()
    query = budget_query(**form.cleaned_data) if valid else None
    if export_format and valid:
        escape = export_format == "csv" and query.rename is None
        report = exports.Report(
            title="Budget report",
            slug="budget-report",
            columns=BUDGET_COLUMNS,
            lines=query.lines,
            header=_header(request, "Budget report", form, query.data_date),
            totals=lambda: [t.download(BUDGET_COLUMNS) for t in query.totals()],
            notes=BUDGET_NOTES,
            # As at a moment, lines are renamed in Python, from their BudgetLines.
            # For the CSV, made safe from formulas once per cell here; the XLSX
            # escapes each distinct text once as it writes it.
            cells=None if query.rename else lambda: export_rows(query, escape=escape),
            safe_cells=escape,
        )
        copy = None
        # COPY writes names as they are now: as at a moment, rows are renamed in
        # Python, so that export takes the row-by-row writer.
        if connection.vendor == "postgresql" and query.rename is None:
            copy = (budget_copy_sql(query), query.count)
        return _export(
            request,
            report,
            name="budget-report",
            form=form,
            export_format=export_format,
            copy=copy,
        )
    table = totals = before_any = None
    if valid:
        # Kept per data version and filters: the filters fix the rows exactly.
        filters = _filters_key(form)
        totals = cached("budget-totals", query.totals, filters)
        before_any = _before_any_data(form.cleaned_data.get("as_at"))
        rows = sum(t.rows for t in totals)

        def page(start, stop):
            return cached(
                "budget-page", lambda: query.page(start, stop), filters, start, stop
            )

        # Handed over as TableData, so django-tables2 slices it rather than list()ing it.
        table = BudgetTable(TableListData(BudgetRows(query, rows, page=page)))
        configure_table(request, table, per_page=50)
    context = {
        "form": form,
        "table": table,
        "totals": totals,
        "before_any": before_any,
        "can_export": request.user.has_perm(EXPORT_PERMISSION),
        "query": request.GET.urlencode(),
    }
    # Filters the report cannot use are a 400, with the form saying which and why.
    status = 200 if valid else 400
    return render(request, "programmes/reports/budget.html", context, status=status)


def _filters_key(form):
    """The report's cleaned filters as a cache key: model choices by primary key."""
    return repr(
        sorted(
            (name, getattr(value, "pk", value))
            for name, value in form.cleaned_data.items()
        )
    )


def _before_any_data(as_at):
    """A message when `as_at` is before the first figure was recorded."""
    if as_at is None:
        return None
    first = first_recorded()
    moment = timezone.localtime(as_at).strftime("%-d %B %Y %H:%M")
    if first is None:
        return f"No figures had been recorded by {moment}: none has been recorded yet."
    if as_at < first:
        when = timezone.localtime(first).strftime("%-d %B %Y %H:%M")
        return f"No figures had been recorded by {moment}: the first was recorded at {when}."
    return None


@permission_required("programmes.view_change_log", raise_exception=True)
def change_log_report(request):
    form = ChangeLogForm(request.GET)
    valid = form.is_valid()
    export_format = _export_format(request, form)
    valid = valid and not form.non_field_errors()
    entries = change_log(**form.cleaned_data) if valid else None
    if export_format and valid:
        report = exports.Report(
            title="Change log",
            slug="change-log",
            columns=CHANGE_COLUMNS,
            lines=lambda: entries.iterator(chunk_size=exports.CHUNK),
            header=_header(
                request,
                "Change log",
                form,
                lambda: entries.values_list("changed_at", flat=True).first(),
            ),
            notes=[
                "Each row is one change to one field, with its old and new value, who made it, when and why."
            ],
        )
        return _export(
            request, report, name="change-log", form=form, export_format=export_format
        )
    table = None
    if valid:
        table = ChangeLogTable(KeptQuerysetData(entries, scope=request.get_full_path()))
        configure_table(request, table, per_page=50)
    context = {
        "form": form,
        "table": table,
        "can_export": request.user.has_perm(EXPORT_PERMISSION),
        "query": request.GET.urlencode(),
    }
    status = 200 if valid else 400
    return render(request, "programmes/reports/changes.html", context, status=status)


@permission_required("programmes.view_change_log", raise_exception=True)
def change_log_programmes(request):
    """Suggestions for the change log's programme box (accessible-autocomplete)."""
    return JsonResponse({"programmes": programme_suggestions(request.GET.get("q", ""))})


@permission_required("programmes.view_change_log", raise_exception=True)
def export_log(request):
    table = ExportLogTable(ExportLog.objects.all())
    configure_table(request, table, per_page=50)
    return render(request, "programmes/reports/exports.html", {"table": table})
