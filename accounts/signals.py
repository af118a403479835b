"""allauth's events that the sign-in glue answers."""

from allauth.account.signals import user_logged_in
from allauth.mfa.signals import authenticator_added

from . import two_factor


def _authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    # Enrolling asks for a code from the new authenticator: the session has given its second
    # factor (else the account would be sent to give it again right after enrolling).
    if request is not None and authenticator.type != "recovery_codes":
        two_factor.record_second_factor(request, user, authenticator)


def _logged_in(sender, request, user, **kwargs) -> None:
    # What the person just gave to sign in counts as a fresh confirmation for the next few
    # minutes (ACCOUNT_REAUTHENTICATION_TIMEOUT), as a "sudo mode" does: a coordinator sent
    # to enrol an authenticator right after signing in is not asked for the password again.
    if request is not None:
        two_factor.confirm_sign_in(request, user)


def connect() -> None:
    """Called once from AccountsConfig.ready()."""
    authenticator_added.connect(_authenticator_added, dispatch_uid="accounts-second-factor")
    user_logged_in.connect(_logged_in, dispatch_uid="accounts-sign-in-confirms")
