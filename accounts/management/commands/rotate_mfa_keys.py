"""Encrypt every stored two-factor secret again with the first of MFA_ENCRYPTION_KEYS."""

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.mfa import SecretUnreadable, rotated_data


class Command(BaseCommand):
    help = (
        "Encrypt every TOTP secret and recovery-code seed again with the first key of "
        "MFA_ENCRYPTION_KEYS, so that the older keys can be removed (docs/security.md)."
    )

    def handle(self, *args, **options):
        rotated = 0
        with transaction.atomic():
            for authenticator in Authenticator.objects.select_for_update().order_by("pk"):
                try:
                    data = rotated_data(authenticator.type, authenticator.data)
                except SecretUnreadable as exc:
                    raise CommandError(
                        f"authenticator {authenticator.pk}: {exc}; nothing was changed"
                    ) from exc
                if data != authenticator.data:
                    authenticator.data = data
                    authenticator.save(update_fields=["data"])
                    rotated += 1
        self.stdout.write(f"{rotated} authenticators encrypted with the first key.")
