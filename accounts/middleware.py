"""Choose the language of a request: Japanese first, English when the visitor asks for it."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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


class MFARequiredMiddleware:
    """Coordinators and staff (who see students' personal data) must set up two-factor
    authentication before they use the platform: until then every page sends them to it."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and user is not None
            and user.is_authenticated
            and (user.is_staff or user.is_superuser)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(user):
                from django.shortcuts import redirect

                return redirect("mfa_activate_totp")
        return self.get_response(request)
