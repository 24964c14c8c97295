from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from ..dashboards import portfolio_dashboard
from ..freshness import KeptQuerysetData, kept_fragment
from ..tables import ProgrammeTable
from .common import chart_download, configure_table, programme_rows


@permission_required("programmes.view_programme", raise_exception=True)
def portfolio(request):
    # Read only when the page's kept fragment is missing or a chart is downloaded.
    dashboard = SimpleLazyObject(portfolio_dashboard)
    if request.GET.get("download"):
        return chart_download(request, dashboard.departments_card, name="portfolio")
    context = {"dashboard": dashboard}
    context["kept"] = kept_fragment("portfolio", 0, request.get_full_path())
    if context["kept"] is None:
        table = ProgrammeTable(
            KeptQuerysetData(programme_rows().order_by("name"), scope="all")
        )
        table.caption = "All programmes"
        configure_table(request, table, per_page=25)
        context["table"] = table
    return render(request, "programmes/portfolio.html", context)
