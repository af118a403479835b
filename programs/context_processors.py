"""Values every page template needs."""

from django.conf import settings


def site(request) -> dict:
    return {
        "PROGRAMME_NAME": settings.PROGRAMME_NAME,
        "SITE_URL": settings.SITE_URL,
        # Each language in its own name, whatever the page's language (日本語 / English).
        "LANGUAGE_SWITCH": settings.LANGUAGES,
    }
