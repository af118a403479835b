"""The unread count for the bell in the page header (one query, signed-in users only)."""

from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def bell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
