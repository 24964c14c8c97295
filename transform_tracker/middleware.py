from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.utils.cache import add_never_cache_headers


class LoginRequiredExceptApiMiddleware(LoginRequiredMiddleware):
    """Every page needs sign-in (Django's LoginRequiredMiddleware), except the API,
    whose own authentication answers 401 with a JSON body instead of a redirect."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class NoStoreWhenSignedInMiddleware:
    """Pages for a signed-in user (and API answers to one) are never kept by the
    browser or any cache between: a shared computer's back button, or a proxy,
    must not show them, or an API token, to the next person."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
