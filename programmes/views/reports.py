"""Auditors' reports. Permissions are checked here, on the server, for the page and
for every export."""

from django.contrib.auth.decorators import permission_required
from django.db import connection
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django_tables2.data import TableListData

from .. import exports
from ..models import ExportLog
from ..reports import (
    BUDGET_COLUMNS,
    CHANGE_COLUMNS,
    BudgetLine,
    BudgetReportForm,
    ChangeLogForm,
    Totals,
    budget_copy_sql,
    budget_query,
    change_log,
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
    "for that year (or, with an as-at date, the figures current at that moment, rebuilt "
    "from the change history).",
    "Money is in exact pounds. An empty cell means not reported or withheld; the "
    "'Figures withheld' column counts withheld figures. Zero means zero.",
    "Variance (£) is forecast minus baseline; Variance (%) is that divided by the "
    "baseline, rounded half up to two places. GMPP releases publish a rounded variance; "
    "these are computed from the figures.",
    "Whole-life cost and benefits are the programme's current whole-life baselines, "
    "repeated on each of its rows: do not add them up down the column.",
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
        copy_sql, db_totals = copy
        return exports.copy_csv_response(
            report,
            copy_sql=copy_sql,
            db_totals=db_totals,
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
    rows = query.rows() if valid else None
    if export_format and valid:
        report = exports.Report(
            title="Budget report",
            slug="budget-report",
            columns=BUDGET_COLUMNS,
            lines=lambda: (
                BudgetLine.from_row(r) for r in rows.iterator(chunk_size=exports.CHUNK)
            ),
            header=_header(
                request,
                "Budget report",
                form,
                lambda: query.selected.aggregate(d=Max("data_date"))["d"],
            ),
            totals=Totals,
            notes=BUDGET_NOTES,
        )
        copy = None
        if connection.vendor == "postgresql":
            copy = (budget_copy_sql(query), query.totals)
        return _export(
            request,
            report,
            name="budget-report",
            form=form,
            export_format=export_format,
            copy=copy,
        )
    table = totals = None
    if valid:
        totals = query.totals()
        # Handed over as TableData, so django-tables2 slices it rather than list()ing it.
        table = BudgetTable(TableListData(BudgetRows(query, totals.rows)))
        configure_table(request, table, per_page=50)
    context = {
        "form": form,
        "table": table,
        "totals": totals,
        "can_export": request.user.has_perm(EXPORT_PERMISSION),
        "query": request.GET.urlencode(),
    }
    # Filters the report cannot use are a 400, with the form saying which and why.
    status = 200 if valid else 400
    return render(request, "programmes/reports/budget.html", context, status=status)


class BudgetRows:
    """Hands django-tables2 BudgetLines page by page: the page's rows are grouped
    without whole-life figures, which one more query fetches for just that page."""

    def __init__(self, query, count):
        self.query = query
        self.rows = query.rows(whole_life=False)
        self._count = count  # from the totals query

    def __len__(self):
        return self._count

    def count(self):
        return self._count

    def __getitem__(self, item):
        rows = list(self.rows[item]) if isinstance(item, slice) else [self.rows[item]]
        whole_life = self.query.whole_life_for({r["programme_ref"] for r in rows})
        for row in rows:
            row["whole_life_cost_gbp"] = whole_life.get((row["programme_ref"], "cost"))
            row["benefits_gbp"] = whole_life.get((row["programme_ref"], "benefit"))
        lines = [BudgetLine.from_row(r) for r in rows]
        return lines if isinstance(item, slice) else lines[0]

    def __iter__(self):
        return (BudgetLine.from_row(r) for r in self.rows)


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
        table = ChangeLogTable(entries)
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
def export_log(request):
    table = ExportLogTable(ExportLog.objects.all())
    configure_table(request, table, per_page=50)
    return render(request, "programmes/reports/exports.html", {"table": table})
