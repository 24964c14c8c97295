from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, render
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from ..dashboards import data_up_to, programme_dashboard
from ..filters import ProgrammeFilter
from ..freshness import KeptQuerysetData
from ..models import Programme
from ..tables import ProgrammeTable
from .common import chart_download, configure_table, programme_rows


class ProgrammeListView(PermissionRequiredMixin, SingleTableMixin, FilterView):
    permission_required = "programmes.view_programme"
    raise_exception = True
    table_class = ProgrammeTable
    filterset_class = ProgrammeFilter
    template_name = "programmes/programme_list.html"

    def get_queryset(self):
        return programme_rows().order_by(Lower("name"), "pk")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "data_up_to": data_up_to(),
        }

    def get_table(self, **kwargs):
        table = self.get_table_class()(
            data=KeptQuerysetData(
                self.get_table_data(), scope=self.request.get_full_path()
            ),
            **kwargs,
        )
        table.caption = "Programmes"
        return configure_table(self.request, table, per_page=25)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # Filter values the page cannot use are a 400; the form says which and why.
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response


@permission_required("programmes.view_programme", raise_exception=True)
def programme_detail(request, slug):
    programme = get_object_or_404(
        Programme.objects.select_related("department", "source"), slug=slug
    )
    dashboard = programme_dashboard(programme)
    download = chart_download(
        request,
        dashboard.years_card,
        dashboard.cumulative_card,
        dashboard.end_date_card,
        dashboard.ratings_card,
        *dashboard.milestone_cards,
        name=programme.slug,
    )
    if download:
        return download
    return render(
        request,
        "programmes/programme_detail.html",
        {"dashboard": dashboard, "programme": programme},
    )
