"""The notification outbox, each user's delivery preferences and suppressed addresses."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    IN_APP = "in_app", _("In the app")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped (preference)")


class Notification(models.Model):
    """An outbox row: written with the event that causes it, delivered by a Celery task.

    Its status moves only along `TRANSITIONS`, through `services.notification_set_status`.
    Unlike the workflow models it keeps no status-change rows: `attempts`, `last_error`,
    `sent_at` and `next_attempt_at` are the delivery's own log, and the admin's retry of a
    failed row is the only move a person makes.
    """

    Channel = NotificationChannel

    Status = NotificationStatus

    # Every row starts pending; in-app rows and emails a preference or suppression turns off
    # move on at once when written. A failed email goes back to pending only by a retry.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PENDING: frozenset({Status.SENT, Status.FAILED, Status.SKIPPED}),
        Status.FAILED: frozenset({Status.PENDING}),
        Status.SENT: frozenset(),
        Status.SKIPPED: frozenset(),
    }

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # For visitors without an account (a pamphlet request) and as the address used.
    email = models.EmailField(_("email address"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="ja")
    event = models.CharField(_("event"), max_length=64)
    context = models.JSONField(_("context"), default=dict, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # When a delivery was last scheduled for (a retry's countdown, or a sweep): the sweeper
    # leaves the row alone until a minute after it, so backoff and queued tasks are respected.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # The sweeper's walk over pending emails, oldest first, with the backoff column at
            # hand; only pending emails are in it, so it stays small however big the table.
            models.Index(
                fields=["created_at", "id", "next_attempt_at"],
                condition=Q(status="pending", channel="email"),
                name="notification_outbox_due_idx",
            ),
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(channel="in_app"),
                name="notification_inbox_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed", "skipped"]),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["email", "in_app"]), name="notification_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(email=""),
                name="notification_has_recipient_or_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.email or self.recipient_id} ({self.channel})"

    def can_transition_to(self, target: str) -> bool:
        return target in self.TRANSITIONS.get(self.status, frozenset())


class NotificationPreference(models.Model):
    """Whether a user gets a kind of event by email (in-app is always on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    event = models.CharField(_("event"), max_length=64)
    email_enabled = models.BooleanField(_("by email"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notificationpreference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.event}"


class EmailSuppression(models.Model):
    """An address that asked, through the link in an email, for no more emails of a kind.

    For people without an account (a pamphlet request, an inquiry, an invitation); account
    holders switch kinds off in their preferences instead.
    """

    email = models.EmailField(_("email address"))
    event = models.CharField(_("event"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("email suppression")
        verbose_name_plural = _("email suppressions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["email", "event"], name="emailsuppression_unique")
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.event}"
