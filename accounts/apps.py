from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import checks, list_cache, signals  # noqa: F401 (checks register themselves)

        list_cache.connect()
        signals.connect()
