from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """The service's user. Roles are groups (accounts.roles); a programme admin
    edits only the programmes of the departments assigned here."""

    departments = models.ManyToManyField(
        "programmes.Department",
        blank=True,
        related_name="admins",
        help_text="A programme admin edits only these departments' programmes.",
    )

    class Meta:
        db_table = "accounts_user"

    def __str__(self):
        return self.get_full_name() or self.username
