import functools

from django.conf import settings
from django.urls import get_script_prefix, reverse
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


# The layout's other links, by the name the templates use.
LINKS = {
    "portfolio": "programmes:portfolio",
    "admin": "admin:index",
    "logout": "logout",
    "accessibility": "pages:accessibility",
    "privacy": "pages:privacy",
    "cookies": "pages:cookies",
    "api_token": "api-token",
    "password_change": "password_change",
}


@functools.lru_cache(maxsize=8)
def _links(script_prefix):
    # The URLs never change while the process runs (but for the prefix it is
    # mounted under): reversed once, not a dozen times on every page.
    names = {**LINKS, **{url_name: url_name for url_name, *_ in NAVIGATION}}
    return {key: reverse(name) for key, name in names.items()}


def service(request):
    """The service name and the navigation, with the current section marked."""
    path = request.path.strip("/")
    user = getattr(request, "user", None)
    links = _links(get_script_prefix())
    items = []
    if user is not None and user.is_authenticated:
        items = [
            {
                "url": links[url_name],
                "label": label,
                "current": path == prefix or (prefix and path.startswith(prefix + "/")),
            }
            for url_name, label, prefix, permission in NAVIGATION
            if user.has_perm(permission)
        ]
    return {
        "service_name": settings.SERVICE_NAME,
        "navigation": items,
        "links": links,
        # Read only by a template that keeps a fragment (`{% cache %}` keyed by it).
        "data_version": SimpleLazyObject(freshness.fragment_version),
    }
