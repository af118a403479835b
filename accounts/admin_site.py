"""The admin's site: one way in (allauth's sign-in, with its second factor), no login of its own."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


class AdminSite(admin.AdminSite):
    """Django's admin, signed into through allauth only.

    Django's own login form checks a password and signs in with it alone: no second factor,
    no slowdown or lockout. Here it hands over to allauth's sign-in (keeping `next`), and the
    admin's password change to allauth's (re-authentication, slowdown and lockout apply).
    """

    def login(self, request, extra_context=None):
        target = self._next(request)
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(target)
            raise PermissionDenied("signed in, but not to the admin")
        query = urlencode({REDIRECT_FIELD_NAME: target})
        return redirect(f"{resolve_url('account_login')}?{query}")

    def password_change(self, request, extra_context=None):
        return redirect("account_change_password")

    def has_permission(self, request) -> bool:
        # TwoFactorMiddleware already stops such a session before any view; the admin checks
        # again so that it never depends on the middleware's order alone. (Imported here: this
        # module is loaded with INSTALLED_APPS, before any model.)
        from . import two_factor

        if not super().has_permission(request):
            return False
        if two_factor.is_two_factor_required() and two_factor.needs_two_factors(request.user):
            return two_factor.has_given_second_factor(request)
        return True

    def _next(self, request) -> str:
        target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return reverse("admin:index", current_app=self.name)


class SiteAdminConfig(AdminConfig):
    """django.contrib.admin with the site above (INSTALLED_APPS names this class)."""

    default_site = "accounts.admin_site.AdminSite"
