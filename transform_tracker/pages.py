"""The pages every public-body service needs, readable without signing in."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import path


def _page(template, title):
    @login_not_required
    def view(request):
        return render(request, template, {"page_title": title})

    return view


app_name = "pages"
urlpatterns = [
    path(
        "accessibility/",
        _page("pages/accessibility.html", "Accessibility statement"),
        name="accessibility",
    ),
    path("privacy/", _page("pages/privacy.html", "Privacy notice"), name="privacy"),
    path("cookies/", _page("pages/cookies.html", "Cookies"), name="cookies"),
]
