"""Per-request glue: the language of the page, and the second factor before anything else."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from . import two_factor


class LanguageMiddleware:
    """The language cookie (set by the header's switch) wins, then a signed-in user's
    preferred language, then LANGUAGE_CODE ("ja"). The browser's Accept-Language is not
    consulted: the platform is Japanese first, and English is one click away on every page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                language = user.preferred_language
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class TwoFactorMiddleware:
    """An account that must use two factors (accounts.two_factor.needs_two_factors) counts as
    signed in only once it gave its second factor in this session: until then only the
    sign-in steps answer, and every other request is sent to the step it is missing (the
    code of its authenticator, or enrolling one). How the session was opened does not matter:
    a password alone, however it was checked, never reaches the pages behind the sign-in."""

    # Answer whatever the session's state: the way out, the language, the health check, and
    # the email confirmation links (an account with an unverified address cannot enrol).
    ALWAYS = frozenset(
        {
            "account_logout",
            "account_confirm_email",
            "account_email_verification_sent",
            "language-switch",
            "set_language",
            "healthz",
        }
    )
    # The step for an account with an authenticator: its code, in this session.
    GIVE_CODE = frozenset({"mfa_reauthenticate"})
    # The steps for an account without one: enrol (which asks for the password again first,
    # and for a verified address).
    ENROL = frozenset({"mfa_activate_totp", "mfa_index", "account_reauthenticate", "account_email"})
    STATIC_PREFIXES = ("/static/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and two_factor.is_two_factor_required()
            and not request.path.startswith(self.STATIC_PREFIXES)
            and not two_factor.has_given_second_factor(request)
            and two_factor.needs_two_factors(user)
        ):
            return self._next_step(request, user)
        return self.get_response(request)

    def _next_step(self, request, user):
        from allauth.mfa.utils import is_mfa_enabled

        name = _url_name(request.path_info)
        if name in self.ALWAYS:
            return self.get_response(request)
        if is_mfa_enabled(user):
            allowed, step = self.GIVE_CODE, "mfa_reauthenticate"
            why = _(
                "Your account can see students' personal data: enter the code of your "
                "authenticator app to continue."
            )
        else:
            allowed, step = self.ENROL, "mfa_activate_totp"
            why = _(
                "Your account can see students' personal data: set up an authenticator "
                "app (two-factor authentication) to continue. You will enter its code "
                "each time you sign in."
            )
        if name in allowed:
            return self.get_response(request)
        if request.method == "GET":
            messages.info(request, why)
        url = reverse(step)
        if request.method == "GET" and name not in ("account_login", None):
            url = f"{url}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"
        response = redirect(url)
        patch_cache_control(response, private=True, no_store=True)
        return response


def _url_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


class PrivateCacheMiddleware:
    """Nothing answered to a signed-in user, or behind a signed link, is kept by a browser's
    or a proxy's cache (Cache-Control: private, no-store): those pages, files, calendars and
    exports carry personal data. Other anonymous answers keep whatever their view decided
    (the public pages). A signed link is a URL whose pattern takes a token or key: the
    URLconf says which, so a new one is covered without a list here."""

    SIGNED_LINK_PARAMS = frozenset({"token", "key", "uidb36"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if (user is not None and user.is_authenticated) or (
            match is not None and self.SIGNED_LINK_PARAMS & match.kwargs.keys()
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response
