"""Admin for users and invitations, and the bases every app's admin uses: read-only status
history, and admin actions that run a service per selected row."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation, helpers
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Invitation, PersonalDataChange, User
from .workflow import InvalidTransition, StatusChange, TransitionNotAllowed


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


# Workflow actions are offered on the list (for the selected rows) and on a row's own page.
EVERYWHERE = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]

# Marks the second post of an action, from its intermediate page (the form is filled in).
APPLY = "apply"
# The name of the action field when the action was run from a row's own page.
CHANGE_FORM_ACTION = f"{ActionLocation.CHANGE_FORM.value}-action"


def _nothing_to_change(modeladmin, request) -> None:
    # An action's queryset is the user's own changelist: other regions' ids have dropped out.
    text = gettext("None of the selected rows was changed.")
    modeladmin.message_user(request, text, messages.WARNING)


def run_service(modeladmin, request, queryset, call: Callable, done, **params) -> int:
    """Run a service on each selected row, `call(obj)`, and report every row: `done` (a text
    with "%(object)s" and any `params`) or the translated reason the service refused it.

    A refusal (InvalidTransition, TransitionNotAllowed) changes nothing, as the service
    guarantees; any other exception is a fault and propagates. Returns how many rows were done.
    """
    objects = list(queryset)
    if not objects:
        _nothing_to_change(modeladmin, request)
        return 0
    count = 0
    for obj in objects:
        try:
            call(obj)
        except InvalidTransition:
            modeladmin.message_user(request, _refusal(obj), messages.ERROR)
        except TransitionNotAllowed:
            text = gettext(
                "“%(object)s” was not changed: only the coordinators of its region may do this."
            )
            modeladmin.message_user(request, text % {"object": obj}, messages.ERROR)
        else:
            count += 1
            modeladmin.message_user(request, done % {"object": obj, **params}, messages.SUCCESS)
    return count


def _refusal(obj) -> str:
    if not hasattr(obj, "get_status_display"):
        text = gettext("“%(object)s” was not changed: this is not possible in its current state.")
        return text % {"object": obj}
    # Read again: the row may have moved since the list was shown.
    obj.refresh_from_db(fields=["status"])
    text = gettext("“%(object)s” was not changed: this is not possible while it is “%(status)s”.")
    return text % {"object": obj, "status": obj.get_status_display()}


def action_form(request, form_class: type[forms.Form], **kwargs) -> forms.Form:
    """The form of an action's intermediate page: bound once that page was submitted."""
    if APPLY in request.POST:
        return form_class(request.POST, **kwargs)
    return form_class(**kwargs)


def action_form_page(
    modeladmin, request, queryset, form: forms.Form, *, action: str, title, intro="", submit=None
) -> TemplateResponse | None:
    """The intermediate page of the action `action`: the selected rows and `form`; it posts
    back to the page it came from (the list, or the row's own page), which runs the action."""
    objects = list(queryset)
    if not objects:
        _nothing_to_change(modeladmin, request)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "submit": submit or title,
        "objects": objects,
        "form": form,
        "action": action,
        "action_field": CHANGE_FORM_ACTION if CHANGE_FORM_ACTION in request.POST else "action",
        "apply_field": APPLY,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.opts,
        "media": modeladmin.media + form.media,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/action_form.html", context)


def run_with_form(
    modeladmin,
    request,
    queryset,
    form_class: type[forms.Form],
    *,
    action: str,
    title,
    intro="",
    call: Callable,
    done,
    params: Callable[[dict], dict] | None = None,
    **form_kwargs,
) -> TemplateResponse | None:
    """An action that first asks for input: show the intermediate page until its form is
    valid, then `run_service` with `call(obj, cleaned_data)` on every selected row."""
    form = action_form(request, form_class, **form_kwargs)
    if not form.is_valid():
        return action_form_page(
            modeladmin, request, queryset, form, action=action, title=title, intro=intro
        )
    data = form.cleaned_data
    run_service(
        modeladmin,
        request,
        queryset,
        lambda obj: call(obj, data),
        done,
        **(params(data) if params else {}),
    )
    return None


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


@admin.register(PersonalDataChange)
class PersonalDataChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit of changes to personal data: who, whose, which fields, when."""

    list_display = ("created_at", "subject", "actor", "record", "fields")
    list_filter = ("record",)
    list_select_related = ("subject", "actor")
    search_fields = ("subject__email", "actor__email")
    date_hierarchy = "created_at"

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
