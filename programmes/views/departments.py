from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from ..dashboards import data_up_to, department_dashboard, departments_with_totals
from ..freshness import KeptQuerysetData, kept_fragment, kept_or_404
from ..models import Department
from ..tables import ProgrammeTable
from .common import chart_download, configure_table, programme_rows


@permission_required("programmes.view_programme", raise_exception=True)
def department_list(request):
    departments = departments_with_totals()
    context = {
        "departments": departments,
        "data_up_to": data_up_to(),
    }
    return render(request, "programmes/department_list.html", context)


@permission_required("programmes.view_programme", raise_exception=True)
def department_detail(request, slug):
    department = kept_or_404(Department, slug=slug)
    # Read only when the page's kept fragment is missing or a chart is downloaded.
    dashboard = SimpleLazyObject(lambda: department_dashboard(department))
    if request.GET.get("download"):
        return chart_download(
            request,
            dashboard.cumulative_card,
            dashboard.scatter_card,
            name=department.slug,
        )
    context = {"dashboard": dashboard, "department": department}
    context["kept"] = kept_fragment(
        "department_detail", department.pk, request.get_full_path()
    )
    if context["kept"] is None:
        table = ProgrammeTable(
            KeptQuerysetData(
                programme_rows().for_department(department).order_by("name"),
                scope=department.pk,
            )
        )
        table.caption = f"Programmes of the {department.name}"
        configure_table(request, table, per_page=25)
        context["table"] = table
    return render(request, "programmes/department_detail.html", context)
