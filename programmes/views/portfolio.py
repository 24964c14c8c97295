from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from ..dashboards import portfolio_dashboard
from .common import chart_download, kept_page_or_table, programme_rows


@permission_required("programmes.view_programme", raise_exception=True)
def portfolio(request):
    # Read only when the page's kept fragment is missing or a chart is downloaded.
    dashboard = SimpleLazyObject(portfolio_dashboard)
    if request.GET.get("download"):
        return chart_download(request, dashboard.departments_card, name="portfolio")
    context = kept_page_or_table(
        request,
        {"dashboard": dashboard},
        "portfolio",
        0,
        programme_rows().order_by("name"),
        "All programmes",
    )
    return render(request, "programmes/portfolio.html", context)
