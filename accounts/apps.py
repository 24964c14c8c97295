from django.apps import AppConfig


def record_last_login(sender, user, **kwargs):
    """Django's update_last_login, without saving the whole user: a save would add a
    history record of the account at every sign-in, with nothing changed in it."""
    from django.utils import timezone

    user.last_login = timezone.now()
    type(user).objects.filter(pk=user.pk).update(last_login=user.last_login)


def ensure_roles(sender, using="default", **kwargs):
    """After every migrate (and every flush, which Django follows with the same
    signal), a database with no groups at all (a flush emptied it) gets the role
    groups a data migration made, each with its role's permissions, in one
    transaction. Where any group exists, nothing is touched: the admins keep the
    groups as they set them."""
    from django.contrib.auth.models import Group, Permission
    from django.db import transaction

    from .roles import ROLES

    groups = Group.objects.using(using)
    if groups.exists():
        return
    with transaction.atomic(using=using):
        for name, permissions in ROLES.values():
            group = groups.create(name=name)
            for dotted in permissions:
                app_label, codename = dotted.split(".")
                group.permissions.add(
                    Permission.objects.using(using).get(
                        content_type__app_label=app_label, codename=codename
                    )
                )


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        # After the programmes app's signal: its permissions exist by then.
        post_migrate.connect(
            ensure_roles, sender=self.apps.get_app_config("programmes")
        )

        # Django connects its own receiver under this dispatch_uid: replace it.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="update_last_login")
