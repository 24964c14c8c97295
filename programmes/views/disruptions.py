from django.shortcuts import get_object_or_404, render

from ..dashboards import disruption_detail as read_disruption
from ..dashboards import disruptions_with_totals
from ..models import Disruption


def disruption_list(request):
    return render(
        request,
        "programmes/disruption_list.html",
        {"disruptions": disruptions_with_totals().order_by("name")},
    )


def disruption_detail(request, slug):
    disruption = get_object_or_404(Disruption, slug=slug)
    totals, impacts = read_disruption(disruption)
    return render(
        request,
        "programmes/disruption_detail.html",
        {"disruption": totals, "impacts": impacts},
    )
