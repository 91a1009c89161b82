"""Receivers of the core app: role groups follow memberships; defaults after migrate."""

from django.apps import apps
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from . import jobs, permissions
from .models import Membership


@receiver([post_save, post_delete], sender=Membership, dispatch_uid="doingoai-sync-role-groups")
def _membership_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    user = instance.user
    user.__dict__.pop("_doingoai_memberships", None)
    permissions.sync_groups(user)


def after_migrate(sender, **kwargs):
    # Once per migrate, after every app has created its permissions.
    with_models = [a for a in apps.get_app_configs() if a.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    permissions.ensure_role_groups()
    jobs.ensure_schedules()


post_migrate.connect(after_migrate, dispatch_uid="doingoai-core-after-migrate")
