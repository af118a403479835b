"""Admin for users and invitations, and the read-only bases every app's status history uses."""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _

from .models import Invitation, User
from .workflow import StatusChange


class ReadOnlyAdminMixin:
    """No add, change or delete in the admin: these rows are written by services only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusLabelsMixin:
    """Show a status change's from/to codes as the labels of the parent's status choices."""

    status_choices: type[models.TextChoices]

    @admin.display(
        description=StatusChange._meta.get_field("from_status").verbose_name,
        ordering="from_status",
    )
    def from_label(self, obj):
        return self._status_label(obj.from_status)

    @admin.display(
        description=StatusChange._meta.get_field("to_status").verbose_name,
        ordering="to_status",
    )
    def to_label(self, obj):
        return self._status_label(obj.to_status)

    def _status_label(self, value: str):
        if not value:
            return None  # the admin shows its empty-value dash
        try:
            return self.status_choices(value).label
        except ValueError:
            # A code since removed from the choices stays readable as itself.
            return value


class ToStatusListFilter(admin.SimpleListFilter):
    """Filter status changes by target status, labelled with the parent's choices."""

    title = StatusChange._meta.get_field("to_status").verbose_name
    parameter_name = "to_status"

    def lookups(self, request, model_admin):
        return model_admin.status_choices.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(to_status=self.value())
        return queryset


class StatusChangeInline(ReadOnlyAdminMixin, StatusLabelsMixin, admin.TabularInline):
    """The status history shown under its parent; subclasses set `model` and `status_choices`."""

    fields = ("created_at", "from_label", "to_label", "actor", "note")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


def lookup_column(model: type[models.Model], path: str, description=None):
    """A sortable column (or read-only field) showing `path`, e.g. "application__student".

    Headed by `description`, or else by the last field's verbose name: Django heads a lookup
    path in list_display with an untranslated "Application student".
    """

    @admin.display(
        description=description or get_fields_from_path(model, path)[-1].verbose_name,
        ordering=path,
    )
    def column(self, obj):
        for name in path.split(LOOKUP_SEP):
            if obj is None:
                return None
            obj = getattr(obj, name)
        return obj

    return column


class StatusChangeAdmin(ReadOnlyAdminMixin, StatusLabelsMixin, admin.ModelAdmin):
    """The status history as its own list; subclasses set `model`, `status_choices` and
    `parent = lookup_column(<Model>, "<fk>", <ParentModel>._meta.verbose_name)` (the parent
    foreign keys have no verbose_name, so their default label is not translated)."""

    list_display = ("parent", "from_label", "to_label", "actor", "created_at")
    list_filter = (ToStatusListFilter,)
    fields = ("parent", "created_at", "from_label", "to_label", "actor", "note")
    readonly_fields = fields
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")


class _LowercaseEmailMixin:
    """Store emails lowercased, as UserManager does, and refuse case-only duplicates."""

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        # On the add form pk is None and the exclude keeps every row.
        others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise self.instance.unique_error_message(User, ["email"])
        return email


class UserAdminCreationForm(_LowercaseEmailMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "name")
        field_classes = {}


class UserAdminChangeForm(_LowercaseEmailMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("name", "name_kana", "preferred_language")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = (
        "email",
        "name",
        "name_kana",
        "preferred_language",
        "is_staff",
        "is_superuser",
        "is_active",
        "date_joined",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "preferred_language", "groups")
    search_fields = ("email", "name", "name_kana")
    ordering = ("email",)
    date_hierarchy = "date_joined"


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "kind",
        "invited_by",
        "created_at",
        "expires_at",
        "usable",
        "accepted_at",
        "accepted_by",
    )
    list_filter = ("kind", "expires_at", "accepted_at")
    list_select_related = ("invited_by", "accepted_by")
    search_fields = ("email", "invited_by__email", "accepted_by__email")
    autocomplete_fields = ("invited_by",)
    # Set when the invitation is used, by the acceptance flow.
    readonly_fields = ("created_at", "accepted_at", "accepted_by")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)

    @admin.display(boolean=True, description=_("usable"))
    def usable(self, obj: Invitation) -> bool:
        return obj.is_usable
