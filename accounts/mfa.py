"""allauth's two factors, our way: secrets encrypted at rest, codes named after the programme."""

import base64
import hashlib
import re

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# A key derived from SECRET_KEY for the embedded default and the tests, which set no key of
# their own; production.py requires MFA_ENCRYPTION_KEYS.
_DERIVED_KEY_SALT = b"accounts.mfa.encryption-key"


class SecretUnreadable(Exception):
    """A stored secret that none of the configured keys decrypts."""


def encryption_keys() -> list[bytes]:
    """The Fernet keys, the one that encrypts first."""
    keys = [key.encode() for key in settings.MFA_ENCRYPTION_KEYS if key]
    if keys:
        return keys
    digest = hashlib.sha256(_DERIVED_KEY_SALT + settings.SECRET_KEY.encode()).digest()
    return [base64.urlsafe_b64encode(digest)]


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in encryption_keys()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe base64 "
            "bytes; docs/security.md says how to make one)"
        ) from exc


def encrypt_secret(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode("ascii")


def decrypt_secret(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise SecretUnreadable(
            "a stored two-factor secret is not readable with MFA_ENCRYPTION_KEYS"
        ) from exc


def rotate_secret(token: str) -> str:
    """The same secret, encrypted with the first key (a no-op in meaning)."""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are stored encrypted (allauth calls these hooks
    for every secret it writes or reads)."""

    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)


# Where allauth keeps a secret in an authenticator's data, per type (webauthn is not enabled).
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed", "migrated_codes")}
# How allauth writes them in clear: TOTP secrets in base32, recovery seeds in hex.
_PLAIN = re.compile(r"[A-Z2-7=]+|[0-9a-f]+")


def _map_secrets(kind: str, data: dict, change) -> dict:
    data = dict(data)
    for field in SECRET_FIELDS.get(kind, ()):
        value = data.get(field)
        if isinstance(value, str):
            data[field] = change(value)
        elif isinstance(value, list):
            data[field] = [change(item) for item in value]
    return data


def encrypted_data(kind: str, data: dict) -> dict:
    """An authenticator's data with every secret written before encryption (in clear)
    encrypted, and the others left as they are: for the migration that encrypts old rows."""
    return _map_secrets(
        kind, data, lambda value: encrypt_secret(value) if _PLAIN.fullmatch(value) else value
    )


def rotated_data(kind: str, data: dict) -> dict:
    """An authenticator's data with every secret encrypted again with the first key. Raises
    SecretUnreadable when one is not readable with any configured key."""

    def rotate(value: str) -> str:
        decrypt_secret(value)  # unreadable: fail before anything is written
        return rotate_secret(value)

    return _map_secrets(kind, data, rotate)
