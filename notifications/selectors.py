"""Reads of a user's notifications."""

from django.db.models import QuerySet

from config.fetching import list_fetch_mode

from .models import Notification


def inbox(user) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user, channel=Notification.Channel.IN_APP)
        .order_by("-created_at", "-id")
        .fetch_mode(list_fetch_mode())
    )


def unread_count(user) -> int:
    return inbox(user).filter(read_at__isnull=True).count()
