from django.apps import AppConfig


def record_last_login(sender, user, **kwargs):
    """Django's update_last_login, without saving the whole user: a save would add a
    history record of the account at every sign-in, with nothing changed in it."""
    from django.utils import timezone

    user.last_login = timezone.now()
    type(user).objects.filter(pk=user.pk).update(last_login=user.last_login)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        # Django connects its own receiver under this dispatch_uid: replace it.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="update_last_login")
