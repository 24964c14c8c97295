from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from ..dashboards import portfolio_dashboard
from ..freshness import KeptQuerysetData
from ..models import Programme
from ..tables import ProgrammeTable
from .common import chart_download, configure_table


@permission_required("programmes.view_programme", raise_exception=True)
def portfolio(request):
    dashboard = portfolio_dashboard()
    download = chart_download(request, dashboard.departments_card, name="portfolio")
    if download:
        return download
    table = ProgrammeTable(
        KeptQuerysetData(Programme.objects.with_dashboard_columns().order_by("name"))
    )
    table.caption = "All programmes"
    configure_table(request, table, per_page=25)
    return render(
        request, "programmes/portfolio.html", {"dashboard": dashboard, "table": table}
    )
