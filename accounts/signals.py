"""allauth's events that the sign-in glue answers."""

from allauth.mfa.signals import authenticator_added

from . import two_factor


def _authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    # Enrolling asks for a code from the new authenticator: the session has given its second
    # factor (else the account would be sent to give it again right after enrolling).
    if request is not None and authenticator.type != "recovery_codes":
        two_factor.record_second_factor(request, user, authenticator)


def connect() -> None:
    """Called once from AccountsConfig.ready()."""
    authenticator_added.connect(_authenticator_added, dispatch_uid="accounts-second-factor")
