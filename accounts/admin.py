from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    """Accounts, with the departments a programme admin edits. Every change to an
    account, its roles (groups) and departments is kept in its history."""

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
