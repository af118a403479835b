from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs")

    def ready(self):
        from accounts.two_factor import register_two_factor_role

        from .selectors import coordinates_a_region

        register_two_factor_role(coordinates_a_region)
