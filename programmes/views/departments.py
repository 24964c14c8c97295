from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from ..dashboards import data_up_to, department_dashboard, departments_with_totals
from ..freshness import kept_or_404
from ..models import Department
from .common import chart_download, kept_page_or_table, programme_rows


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
    context = kept_page_or_table(
        request,
        {"dashboard": dashboard, "department": department},
        "department_detail",
        department.pk,
        programme_rows().for_department(department).order_by("name"),
        f"Programmes of the {department.name}",
    )
    return render(request, "programmes/department_detail.html", context)
