"""Error pages that never touch the database, and /healthz."""

import sys

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache


def _page(template, status):
    # Rendered without the request: no context processor may reach the database.
    return HttpResponse(render_to_string(template), status=status)


def server_error(request):
    """500, or 503 when the database is away: the page says to try again, and the
    next request reconnects by itself (Django drops the unusable connection)."""
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError):
        response = _page("503.html", 503)
        response["Retry-After"] = "30"
        return response
    return _page("500.html", 500)


@login_not_required
@never_cache
def healthz(request):
    """Reports whether the database answers; 503 if it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        connection.close()
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
