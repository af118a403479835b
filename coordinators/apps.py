from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinatorsConfig(AppConfig):
    name = "coordinators"
    verbose_name = _("Coordinators")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals

        signals.connect()
        post_migrate.connect(refresh_coordinator_group, dispatch_uid="coordinator-group-refresh")


def refresh_coordinator_group(sender, using="default", **kwargs) -> None:
    """After `migrate`, bring the coordinators' group up to COORDINATOR_PERMISSIONS: a new
    grant (or a new model's permissions) reaches the coordinators already appointed, not only
    the next one. Runs once, for the last app, when every app's permissions exist."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    from .services import COORDINATOR_GROUP, coordinator_group

    if sender is not list(apps.get_app_configs())[-1] or using != "default":
        return
    if Group.objects.filter(name=COORDINATOR_GROUP).exists():
        coordinator_group()
