"""URL configuration: the public site, accounts, the admin and the health check."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from accounts.views import password_change
from config.health import healthz
from projects.sitemaps import SITEMAPS
from projects.views.public import language_switch

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"

admin.site.site_header = "北海道チャレンジコミュニティ — 実践型インターンシップ"
admin.site.site_title = "実践型インターンシップ"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("i18n/switch/", language_switch, name="language-switch"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL + "pipeline/", include("coordinators.dashboard_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    # allauth's, asking an account with an authenticator for its code first.
    path("accounts/password/change/", password_change, name="account_change_password"),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("coordinators.urls")),
    path("", include("applicants.urls")),
    path("", include("projects.urls")),
    path("", include("programs.urls")),
]
