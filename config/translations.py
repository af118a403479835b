"""Strings that a dependency shows to our users but whose Japanese catalogue lacks them.

`makemessages` finds them here, so our catalogue (LOCALE_PATHS, read before Django's own)
gives their Japanese. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

THIRD_PARTY_STRINGS = (
    # Django 6.1's empty choice of a select (django.db.models.fields.BLANK_CHOICE_LABEL).
    gettext_noop("- Select an option -"),
)
