"""The service's URLs plus one that fails, for the production logging test."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from transform_tracker.urls import urlpatterns as service_urls


@login_not_required
def crash(request):
    raise RuntimeError("deliberate failure for the logging test")


handler400 = "transform_tracker.errors.bad_request"
handler500 = "transform_tracker.errors.server_error"
urlpatterns = [path("crash/", crash), *service_urls]
