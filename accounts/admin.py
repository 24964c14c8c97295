from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from programmes.admin_base import ReadOnlyHistoryMixin

from .models import User


@admin.register(User)
class UserAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin, DjangoUserAdmin):
    """Accounts, with the departments a programme admin edits. Every change to an
    account, its roles (groups) and departments is kept in its history, which only
    superusers read, and nobody can post back."""

    def has_view_history_permission(self, request, obj=None):
        return request.user.is_superuser

    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "Departments",
            {
                "fields": ("departments",),
                "description": "A programme admin edits only these departments' "
                "programmes.",
            },
        ),
    )
    filter_horizontal = (*DjangoUserAdmin.filter_horizontal, "departments")
    list_filter = (*DjangoUserAdmin.list_filter, "departments")
