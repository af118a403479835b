"""Admin for the notification outbox and delivery preferences (imports no other app)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import EmailSuppression, Notification, NotificationPreference
from .services import notification_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "event",
        "channel",
        "recipient",
        "email",
        "language",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "read_at",
    )
    list_filter = ("status", "channel", "language", "event")
    list_select_related = ("recipient",)
    search_fields = ("event", "email", "idempotency_key", "recipient__email")
    # raw_id rather than autocomplete: the user admin belongs to an app this one must not know.
    raw_id_fields = ("recipient",)
    # Delivery bookkeeping, written only by the sending task.
    readonly_fields = (
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "read_at",
    )
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    actions = ("retry_failed",)

    @admin.action(description=_("Retry the selected failed emails"))
    def retry_failed(self, request, queryset):
        count = notification_retry(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "event", "email_enabled")
    list_filter = ("email_enabled", "event")
    list_select_related = ("user",)
    search_fields = ("user__email", "event")
    raw_id_fields = ("user",)
    ordering = ("user", "event")


@admin.register(EmailSuppression)
class EmailSuppressionAdmin(admin.ModelAdmin):
    """Addresses that stopped a kind of email through its link; deleting a row lifts it."""

    list_display = ("email", "event", "created_at")
    list_filter = ("event",)
    search_fields = ("email",)
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
