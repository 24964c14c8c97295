from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import freshness

# url name, label, first path segment, permission needed to see the link
NAVIGATION = [
    ("programmes:portfolio", "Portfolio", "", "programmes.view_programme"),
    (
        "programmes:department-list",
        "Departments",
        "departments",
        "programmes.view_programme",
    ),
    (
        "programmes:programme-list",
        "Programmes",
        "programmes",
        "programmes.view_programme",
    ),
    (
        "programmes:disruption-list",
        "Disruptions",
        "disruptions",
        "programmes.view_programme",
    ),
    ("programmes:release-list", "Releases", "releases", "programmes.view_programme"),
    (
        "programmes:budget-report",
        "Budget report",
        "reports/budget",
        "programmes.view_programme",
    ),
    (
        "programmes:change-log",
        "Change log",
        "reports/changes",
        "programmes.view_change_log",
    ),
    (
        "programmes:export-log",
        "Export log",
        "reports/exports",
        "programmes.view_change_log",
    ),
]


def service(request):
    """The service name and the navigation, with the current section marked."""
    path = request.path.strip("/")
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        items = [
            {
                "url_name": url_name,
                "label": label,
                "current": path == prefix or (prefix and path.startswith(prefix + "/")),
            }
            for url_name, label, prefix, permission in NAVIGATION
            if user.has_perm(permission)
        ]
    return {
        "service_name": settings.SERVICE_NAME,
        "navigation": items,
        # Read only by a template that keeps a fragment (`{% cache %}` keyed by it).
        "data_version": SimpleLazyObject(freshness.fragment_version),
    }
