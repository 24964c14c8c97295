from django.urls import path

from .views import departments, disruptions, portfolio, programmes, releases, reports

app_name = "programmes"

urlpatterns = [
    path("", portfolio.portfolio, name="portfolio"),
    path("departments/", departments.department_list, name="department-list"),
    path(
        "departments/<slug:slug>/",
        departments.department_detail,
        name="department-detail",
    ),
    path("programmes/", programmes.ProgrammeListView.as_view(), name="programme-list"),
    path(
        "programmes/<slug:slug>/", programmes.programme_detail, name="programme-detail"
    ),
    path("disruptions/", disruptions.disruption_list, name="disruption-list"),
    path(
        "disruptions/<slug:slug>/",
        disruptions.disruption_detail,
        name="disruption-detail",
    ),
    path("releases/", releases.release_list, name="release-list"),
    path("releases/compare/", releases.release_compare, name="release-compare"),
    path("reports/budget/", reports.budget_report, name="budget-report"),
    path("reports/changes/", reports.change_log_report, name="change-log"),
    path(
        "reports/changes/programmes/",
        reports.change_log_programmes,
        name="change-log-programmes",
    ),
    path("reports/exports/", reports.export_log, name="export-log"),
]
