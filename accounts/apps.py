from django.apps import AppConfig


def record_last_login(sender, user, **kwargs):
    """Django's update_last_login, without saving the whole user: a save would add a
    history record of the account at every sign-in, with nothing changed in it."""
    from django.utils import timezone

    user.last_login = timezone.now()
    type(user).objects.filter(pk=user.pk).update(last_login=user.last_login)


def ensure_roles(sender, using="default", **kwargs):
    """After every migrate (and every flush, which Django follows with the same
    signal), each role's group exists: one a data migration made but a flush took
    away is made again with the role's permissions. A group that exists is left as
    the admins keep it."""
    from django.contrib.auth.models import Group, Permission

    from .roles import ROLES

    for name, permissions in ROLES.values():
        if Group.objects.using(using).filter(name=name).exists():
            continue
        group = Group.objects.using(using).create(name=name)
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
