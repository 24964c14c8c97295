from django.http import HttpResponse
from django.utils.text import slugify


def chart_download(request, *cards, name):
    """`?download=<chart>` returns that chart's table as CSV; None otherwise. The
    CSV comes from the same card as the chart, so the two cannot disagree."""
    wanted = request.GET.get("download")
    if not wanted:
        return None
    for card in cards:
        if card.slug == wanted:
            response = HttpResponse(
                card.csv_text(), content_type="text/csv; charset=utf-8"
            )
            filename = f"{slugify(name)}-{card.slug}.csv"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
    return HttpResponse(
        f"There is no chart called {wanted!r} on this page.",
        status=404,
        content_type="text/plain; charset=utf-8",
    )
