from django.conf import settings

NAVIGATION = [
    ("programmes:portfolio", "Portfolio", ""),
    ("programmes:department-list", "Departments", "departments"),
    ("programmes:programme-list", "Programmes", "programmes"),
    ("programmes:disruption-list", "Disruptions", "disruptions"),
]


def service(request):
    """The service name and the navigation, with the current section marked."""
    section = request.path.strip("/").split("/")[0]
    return {
        "service_name": settings.SERVICE_NAME,
        "navigation": [
            {"url_name": url_name, "label": label, "current": section == prefix}
            for url_name, label, prefix in NAVIGATION
        ],
    }
