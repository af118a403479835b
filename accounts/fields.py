"""Form fields shared by every app."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

# The range of a 64-bit primary key: anything outside is not an id of ours.
_MAX_ID = 2**63 - 1


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows that refuses values which cannot be ids before any query
    (SQLite raises OverflowError for integers beyond 64 bits in an `__in` lookup)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit()) or int(text) > _MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


# Controls (\r, \n, \t, NUL, NEL…), line and paragraph separators, and invisible format
# characters (zero-width spaces and joiners, bidi marks, overrides and isolates, the BOM):
# none belongs in one line, and each can change how the value reads where it is repeated
# (an email, a subject, a CSV export, the admin).
NOT_ON_ONE_LINE = frozenset({"Cc", "Cf", "Zl", "Zp"})

SINGLE_LINE_MESSAGE = _(
    "Write this on one line, without line breaks, tabs or invisible characters (such as "
    "zero-width spaces or text direction marks)."
)


def validate_single_line(value: str) -> None:
    """Refuse a value with a character of NOT_ON_ONE_LINE."""
    if value.isprintable():  # no Other or Separator but the ASCII space: the usual case
        return
    # Each distinct character once: a 10 MB value costs no more than its alphabet.
    if any(unicodedata.category(char) in NOT_ON_ONE_LINE for char in set(value)):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="single_line")


class SingleLineCharField(forms.CharField):
    """A CharField for a value of one line (a name, a place, a phone number).

    The value is checked as typed, before the usual stripping, so a line break at either end
    is refused rather than silently cut off; a browser's text input never sends one.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # NUL is a control character: one message for it, not Django's second one too.
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def to_python(self, value):
        if isinstance(value, str):
            validate_single_line(value)
        return super().to_python(value)


# What makes a name read as a link or an address: a scheme, "www.", an "@", a dotted host
# ("evil.example": a dot between a letter or digit and two letters) or an IPv4 address. Checked
# on the NFKC form with every dot a domain may use as ".", so full-width look-alikes count too.
_DOMAIN_DOTS = str.maketrans(dict.fromkeys("\u3002\uff0e\uff61", "."))
_ADDRESS_LIKE = re.compile(r"://|www\.|@|\w\.[^\W\d_]{2,}|\d{1,3}(?:\.\d{1,3}){3}")

ADDRESS_LIKE_MESSAGE = _(
    "Enter your name only, without a web or email address or anything that reads as one "
    "(such as “example.jp”). If your name has a full stop, put a space after it (“J. Smith”)."
)


def validate_not_address_like(value: str) -> None:
    """Refuse a value that a mail program could show as a link or an address."""
    text = unicodedata.normalize("NFKC", value).translate(_DOMAIN_DOTS).casefold()
    if _ADDRESS_LIKE.search(text):
        raise ValidationError(ADDRESS_LIKE_MESSAGE, code="address_like")


class PersonNameField(SingleLineCharField):
    """A visitor's own name, the one thing they type that an email to their (unverified)
    address repeats: one line, and nothing that reads as a link, so nobody can send a
    message of their choice from our domain to someone else's address."""

    default_validators = [validate_not_address_like]
