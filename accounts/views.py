from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .models import ApiToken
from .services import issue_api_token


@require_http_methods(["GET", "POST"])
def api_token(request):
    """A signed-in user's token for the open data API. POST makes a new one (the old
    one stops working) and shows it this once: only its hash is kept."""
    new_key = None
    if request.method == "POST":
        new_key = issue_api_token(user=request.user)
    token = ApiToken.objects.filter(user=request.user).first()
    return render(
        request, "accounts/api_token.html", {"token": token, "new_key": new_key}
    )
