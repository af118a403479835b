"""Filters for email templates, whose context is stored as JSON."""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def isodatetime(value: str | None) -> datetime | None:
    """Parse an ISO 8601 string from a notification's context into a local datetime."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return timezone.localtime(parsed)
