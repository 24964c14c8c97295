"""What changed between GMPP releases: the releases held, and any two compared.
Anyone who may read the programmes may read these and download the comparison
(it is the same information as the page); each download is logged."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ..models import ExportLog
from ..releases import compare, compare_form, csv_text, release_dates, releases


@permission_required("programmes.view_programme", raise_exception=True)
def release_list(request):
    held = releases()
    context = {"releases": held, "data_up_to": held[0].data_date if held else None}
    return render(request, "programmes/releases/release_list.html", context)


@permission_required("programmes.view_programme", raise_exception=True)
def release_compare(request):
    dates = release_dates()
    form = compare_form(request.GET, dates)
    export_format = request.GET.get("_export")
    comparison = None
    if form is not None:
        valid = form.is_valid()
        if export_format not in (None, "csv"):
            form.add_error(
                None, f"There is no {export_format[:30]!r} download: choose csv."
            )
        if valid and not form.errors:
            comparison = compare(*form.dates())
    if comparison is not None and export_format == "csv":
        return _csv_response(request, comparison)
    context = {
        "form": form,
        "comparison": comparison,
        "data_up_to": dates[0] if dates else None,
        "query": f"from={comparison.before}&to={comparison.after}"
        if comparison
        else "",
    }
    status = 400 if form is not None and form.errors else 200
    return render(
        request, "programmes/releases/release_compare.html", context, status=status
    )


def _csv_response(request, comparison):
    def page_url(slug):
        return request.build_absolute_uri(
            reverse("programmes:programme-detail", args=[slug])
        )

    text = csv_text(comparison, page_url)
    ExportLog.objects.create(
        user=request.user,
        username=request.user.get_username(),
        report="release-compare",
        export_format="csv",
        filters={"from": str(comparison.before), "to": str(comparison.after)},
        row_count=len(comparison.rows),
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    filename = f"releases-{comparison.before}-to-{comparison.after}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
