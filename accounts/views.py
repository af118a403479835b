"""allauth's account views where the platform asks more of them."""

from allauth.account.decorators import reauthentication_required
from allauth.account.views import PasswordChangeView as AllauthPasswordChangeView
from allauth.mfa.utils import is_mfa_enabled
from django.utils.decorators import method_decorator


def _has_authenticator(request) -> bool:
    return request.user.is_authenticated and is_mfa_enabled(request.user)


@method_decorator(
    reauthentication_required(app="allauth.account", enabled=_has_authenticator),
    name="dispatch",
)
class PasswordChangeView(AllauthPasswordChangeView):
    """allauth's password change; an account with an authenticator first gives its code
    (the current password alone is what a stolen password would offer)."""


password_change = PasswordChangeView.as_view()
