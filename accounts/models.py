from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The service's user. A custom model from the first migration so that roles and
    department assignments can be added without a painful swap later."""

    class Meta:
        db_table = "accounts_user"

    def __str__(self):
        return self.get_full_name() or self.username
