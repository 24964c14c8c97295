"""Error pages that never touch the database, and /healthz. Under /api/ the errors
are JSON, like the API's own."""

import sys

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest

# django.db.Error covers DatabaseError and InterfaceError ("connection already closed").
from django.db import Error as DatabaseError
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.cache import never_cache


class QueryError(BadRequest):
    """A query-string value a page cannot use. Its message names the parameter and
    the value and is shown to the user (other exceptions' messages never are)."""


def _page(template, status, context=None):
    # Rendered without the request: no context processor may reach the database,
    # and nothing asks for the Host header (it may be the reason for a 400).
    return HttpResponse(render_to_string(template, context), status=status)


def _is_api(request):
    return request.path_info.startswith("/api/")


def bad_request(request, exception):
    """400: a QueryError's message, or a general one (a bad Host header, say)."""
    if isinstance(exception, QueryError):
        message = str(exception)
    else:
        message = "The request could not be understood. Check the address."
    if _is_api(request):
        return JsonResponse({"detail": message}, status=400)
    return _page("400.html", 400, {"message": message})


def page_not_found(request, exception):
    """404: the API's answer is JSON, like its own 404s; pages get the 404 page."""
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def _caused_by_database(error):
    """Whether a database error is the exception or lies behind it (the session
    store, for one, fails with an AttributeError while handling it)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DatabaseError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def server_error(request):
    """500, or 503 when the database is away: the page says to try again, and the
    next request reconnects by itself (Django drops the unusable connection)."""
    if _caused_by_database(sys.exc_info()[1]):
        # Drop the broken connection now; the next request opens a fresh one.
        connection.close()
        if _is_api(request):
            response = JsonResponse(
                {"detail": "The database is unavailable: try again shortly."},
                status=503,
            )
        else:
            response = _page("503.html", 503)
        response["Retry-After"] = "30"
        return response
    if _is_api(request):
        return JsonResponse({"detail": "Server error."}, status=500)
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
        return JsonResponse(
            {"status": "unavailable", "database": "unreachable"}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})


class HealthCheckMiddleware:
    """Answers /healthz before any other middleware, so no session or sign-in (which
    need the database) stands between the check and its answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)
