"""The API's token check: `Authorization: Token <key>`, looked up by the key's hash."""

from django.utils.crypto import constant_time_compare
from rest_framework import authentication, exceptions

from .models import ApiToken
from .services import password_fingerprint, token_sha256


class HashedTokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_sha256=token_sha256(key))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if not constant_time_compare(
            token.password_fingerprint, password_fingerprint(user)
        ):
            raise exceptions.AuthenticationFailed(
                "This token stopped working when your password changed: make a new "
                "one on the Open data API page."
            )
        return user, token
