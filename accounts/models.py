from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """The service's user. Roles are groups (accounts.roles); a programme admin
    edits only the programmes of the departments assigned here."""

    departments = models.ManyToManyField(
        "programmes.Department",
        blank=True,
        related_name="admins",
        help_text="A programme admin edits only these departments' programmes.",
    )

    # Who changed an account, its roles (groups) and departments, and when. The
    # password hash is never copied into the history; last_login is left out, as it
    # changes at every sign-in (see apps.py).
    history = HistoricalRecords(
        excluded_fields=["password", "last_login"],
        m2m_fields=["groups", "user_permissions", "departments"],
    )

    class Meta:
        db_table = "accounts_user"

    def __str__(self):
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A user's key for the open data API, kept as its SHA-256 only, so it is shown
    once, when made. It remembers a keyed hash of the user's password hash as it was
    then, and stops working when the password changes (accounts.authentication)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token"
    )
    key_sha256 = models.CharField(max_length=64, unique=True)
    password_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"API token of {self.user}"
