from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render

from ..dashboards import data_up_to, disruptions_with_totals
from ..dashboards import disruption_detail as read_disruption
from ..models import Disruption, Programme


@permission_required("programmes.view_programme", raise_exception=True)
def disruption_list(request):
    context = {
        "disruptions": disruptions_with_totals().order_by("name"),
        "data_up_to": data_up_to(),
    }
    return render(request, "programmes/disruption_list.html", context)


@permission_required("programmes.view_programme", raise_exception=True)
def disruption_detail(request, slug):
    disruption = get_object_or_404(Disruption, slug=slug)
    totals, impacts, related = read_disruption(disruption)
    hit = Programme.objects.filter(disruption_impacts__disruption=disruption)
    context = {
        "disruption": totals,
        "impacts": impacts,
        "related": related,
        "data_up_to": data_up_to(hit),
    }
    return render(request, "programmes/disruption_detail.html", context)
