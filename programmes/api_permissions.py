"""Kept apart from the API views: REST framework imports it while loading its own
views, so it must not import them back."""

from rest_framework import permissions


class CanReadRegister(permissions.BasePermission):
    """Signed in (session or token) with a role that may read the register."""

    message = "Your account's role does not allow reading the register."

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.has_perm("programmes.view_programme")
        )
