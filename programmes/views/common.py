import functools
import re

from django.core.paginator import EmptyPage
from django.http import HttpResponse
from django.utils.text import slugify
from django_tables2 import RequestConfig

from transform_tracker.errors import QueryError

from ..freshness import KeptQuerysetData, kept_fragment
from ..models import Programme
from ..tables import ProgrammeTable

MAX_PER_PAGE = 100
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


def _shown(value):
    # Junk can be long or hold control characters: quote it, and not all of it.
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _positive(request, name, *, maximum=None):
    value = request.GET.get(name)
    if value is None:
        return
    number = int(value) if _WHOLE_NUMBER.fullmatch(value) else 0
    if number < 1 or (maximum is not None and number > maximum):
        limit = f"from 1 to {maximum}" if maximum else "from 1 up"
        raise QueryError(f"{name}={_shown(value)} is not a whole number {limit}.")


def _check_sort(request, table):
    orderable = [column.name for column in table.columns if column.orderable]
    for value in request.GET.getlist(table.prefixed_order_by_field):
        for name in (n.removeprefix("-") for n in value.split(",")):
            if name not in orderable:
                choices = (
                    f"choose one of {', '.join(orderable)}"
                    if orderable
                    else "this table cannot be sorted"
                )
                raise QueryError(
                    f"The table has no column {_shown(name)} to sort by: {choices}."
                )


def configure_table(request, table, *, per_page):
    """django-tables2's RequestConfig, after checking sort, page and per_page: a
    value the table cannot use is a 400 that names it, never a 500 or a silent
    fallback."""
    _check_sort(request, table)
    _positive(request, table.prefixed_page_field)
    _positive(request, table.prefixed_per_page_field, maximum=MAX_PER_PAGE)
    config = RequestConfig(request, paginate={"per_page": per_page, "silent": False})
    try:
        return config.configure(table)
    except EmptyPage:
        raise QueryError(
            f"There is no page {request.GET[table.prefixed_page_field]}: the table "
            f"has {table.paginator.num_pages}."
        ) from None


def kept_page_or_table(request, context, fragment, scope, rows, caption):
    """A dashboard page's context: `kept`, the page body its template's `{% cache
    fragment data_version scope request.get_full_path %}` holds for this version,
    or else `table`, the programme table built, sorted and paged for this address
    (the body is built from it)."""
    context["kept"] = kept_fragment(fragment, scope, request.get_full_path())
    if context["kept"] is None:
        table = ProgrammeTable(KeptQuerysetData(rows, scope=scope))
        table.caption = caption
        configure_table(request, table, per_page=25)
        context["table"] = table
    return context


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


@functools.cache
def _dashboard_rows():
    # Resolving these annotations costs about 10 ms and does not depend on the data:
    # each process builds them once, and each request works on a clone.
    return Programme.objects.with_dashboard_columns()


def programme_rows():
    """Programmes with everything a programme row on a page shows."""
    return _dashboard_rows().all()
