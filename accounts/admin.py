"""Admin for users and invitations, and the bases every app's admin uses: read-only status
history, admin actions that run a service per selected row, CSV export of every list."""

import csv
import datetime as dt
import logging
import re
from collections.abc import Callable
from decimal import Decimal

from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation, helpers
from django.contrib.admin.utils import get_fields_from_path, label_for_field, lookup_field
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeData
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from . import list_cache
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
            # Its empty-value dash: None would read "None" in a read-only inline.
            return self.get_empty_value_display()
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


# CSV export of every changelist ------------------------------------------------------------

export_log = logging.getLogger("audit.admin_export")

# A cell starting with one of these runs as a formula when the file is opened in a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Columns never written to a file, whatever a list shows: credentials and signed-link secrets.
SECRET_COLUMN = re.compile(r"(^|_)(password|token|secret|key|otp|recovery)(_|$)", re.IGNORECASE)


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return pgettext("CSV cell", "Yes") if value else pgettext("CSV cell", "No")
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    # A display method may return markup for the page; the file gets its text.
    text = strip_tags(value) if isinstance(value, SafeData) else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def export_columns(modeladmin, request) -> list[str]:
    """The list's columns that go into the file: all shown ones but the checkbox and secrets."""
    excluded = set(getattr(modeladmin, "export_exclude", ()))
    return [
        name
        for name in modeladmin.get_list_display(request)
        if isinstance(name, str)
        and name != "action_checkbox"
        and name not in excluded
        and not SECRET_COLUMN.search(name.rsplit(LOOKUP_SEP, 1)[-1])
    ]


@admin.action(description=_("Export the selected rows as CSV"), permissions=["view"])
def export_csv(modeladmin, request, queryset):
    """The selected rows (or, with "select all", every filtered one) with the list's columns:
    headers are the columns' translated names, choices their labels, and the file is UTF-8
    with a BOM so that Excel opens the Japanese text correctly.

    The queryset is the user's own changelist (a coordinator's region only) with the list's
    select_related, so the file costs the same few queries for 3 rows or 3,000. Each export is
    logged (who, which model, how many rows): the file holds personal data.
    """
    names = export_columns(modeladmin, request)
    opts = modeladmin.opts
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{opts.model_name}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([capfirst(label_for_field(name, opts.model, modeladmin)) for name in names])
    rows = 0
    for obj in queryset.iterator(chunk_size=2000):
        row = []
        for name in names:
            field, _attr, value = lookup_field(name, obj, modeladmin)
            if field is not None and field.flatchoices:
                value = dict(field.flatchoices).get(value, value)
            row.append(_csv_cell(value))
        writer.writerow(row)
        rows += 1
    export_log.info(
        "CSV export: user %s exported %d %s rows",
        request.user.pk,
        rows,
        opts.label,
        extra={"user_id": request.user.pk, "model": opts.label, "rows": rows},
    )
    return response


# Every changelist of the site offers the export, next to "delete selected".
admin.site.add_action(export_csv, "export_csv")


# A date hierarchy that does not read the whole table --------------------------------------


def _span(queryset, field_name: str) -> dict:
    """The first and last date of a list: each read from one end of the date's index (a
    MIN/MAX over a filtered list, a region's entries, aggregates every row instead)."""
    dated = queryset.filter(**{f"{field_name}__isnull": False}).values_list(field_name, flat=True)
    return {
        "first": dated.order_by(field_name).first(),
        "last": dated.order_by(f"-{field_name}").first(),
    }


def date_drilldown(cl) -> dict:
    """What Django's date hierarchy shows, from the first and last date of the list only.

    Django lists the years (months, days) that have rows with a SELECT DISTINCT over every
    row of the list, which at 100,000 entries is the slowest query of the page. One MIN/MAX,
    which the date's index answers from its ends, gives the span instead: a year or month of
    that span without rows is offered too, and shows an empty list.
    """
    field_name = cl.date_hierarchy
    field = get_fields_from_path(cl.model, field_name)[-1]
    year, month, day = (cl.params.get(f"{field_name}__{part}") for part in ("year", "month", "day"))
    year_field, month_field, day_field = (f"{field_name}__{p}" for p in ("year", "month", "day"))
    context = {"show": True, "back": None, "choices": [], "field_name": field.verbose_name}

    def link(filters):
        return cl.get_query_string(filters, [f"{field_name}__"])

    if year and month and day:
        date = dt.date(int(year), int(month), int(day))
        context["back"] = {
            "link": link({year_field: year, month_field: month}),
            "title": capfirst(formats.date_format(date, "YEAR_MONTH_FORMAT")),
        }
        context["choices"] = [{"title": capfirst(formats.date_format(date, "MONTH_DAY_FORMAT"))}]
        return context
    span = list_cache.cached(
        list_cache.key_for("span", cl.queryset, field_name, version=cl.list_version),
        lambda: _span(cl.queryset, field_name),
    )
    first, last = span["first"], span["last"]
    if first is None or last is None:
        return context
    if isinstance(first, dt.datetime):
        first, last = (timezone.localtime(v) if timezone.is_aware(v) else v for v in (first, last))
    if not (year or month) and first.year == last.year:
        year = first.year
        if first.month == last.month:
            month = first.month
    if year and month:
        context["back"] = {"link": link({year_field: year}), "title": str(year)}
        context["choices"] = [
            {
                "link": link({year_field: year, month_field: month, day_field: number}),
                "title": capfirst(
                    formats.date_format(dt.date(int(year), int(month), number), "MONTH_DAY_FORMAT")
                ),
            }
            for number in range(first.day, last.day + 1)
        ]
    elif year:
        context["back"] = {"link": link({}), "title": gettext("All dates")}
        context["choices"] = [
            {
                "link": link({year_field: year, month_field: number}),
                "title": capfirst(
                    formats.date_format(dt.date(int(year), number, 1), "YEAR_MONTH_FORMAT")
                ),
            }
            for number in range(first.month, last.month + 1)
        ]
    else:
        context["choices"] = [
            {"link": link({year_field: str(number)}), "title": str(number)}
            for number in range(first.year, last.year + 1)
        ]
    return context


class _CountedRows:
    """A page's rows, read from the database only when iterated; their number comes from
    the list's count. The admin takes `len()` of the page for its "0 of N selected" note,
    which would run the page's query even when its rows are drawn from the cache."""

    def __init__(self, queryset, length: int):
        self._queryset = queryset
        self._length = length

    def __len__(self) -> int:
        return self._length

    def __iter__(self):
        return iter(self._queryset)

    def __getattr__(self, name):
        return getattr(self._queryset, name)


class SpanDateHierarchyChangeList(ChangeList):
    def __init__(self, request, *args, **kwargs):
        self.list_version = list_cache.request_version(request)
        super().__init__(request, *args, **kwargs)

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        # Long texts no column of the list shows (the change page reads them).
        deferred = getattr(self.model_admin, "list_deferred_fields", ())
        return queryset.defer(*deferred) if deferred else queryset

    def get_results(self, request):
        super().get_results(request)
        if self.multi_page and not (self.show_all and self.can_show_all):
            page = self.paginator.page(self.page_num)
            length = page.end_index() - page.start_index() + 1 if self.result_count else 0
        else:
            length = self.result_count
        self.result_list = _CountedRows(self.result_list, length)

    @cached_property
    def date_drilldown(self) -> dict:
        return date_drilldown(self)


class BigListAdminMixin:
    """For lists that grow with the programme (entries, status histories): no unfiltered
    total ("N of M", a second COUNT over the table), a date hierarchy from MIN/MAX, and the
    count, the span and the page's rows kept until the next write (accounts.list_cache)."""

    show_full_result_count = False
    # Half the admin's 100: drawing the rows is what such a page costs once SQL is cheap.
    list_per_page = 50
    # Fields the list's rows leave unread (long texts): see SpanDateHierarchyChangeList.
    list_deferred_fields: tuple[str, ...] = ()
    change_list_template = "admin/big_change_list.html"

    def get_changelist(self, request, **kwargs):
        return SpanDateHierarchyChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return list_cache.CachedCountPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            version=list_cache.request_version(request),
        )

    def action_checkbox(self, obj):
        """The row's checkbox, the markup Django's CheckboxInput renders, written directly:
        rendering the widget's template for every row was a third of a long list's cost."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )


class StatusChangeAdmin(BigListAdminMixin, ReadOnlyAdminMixin, StatusLabelsMixin, admin.ModelAdmin):
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


def run_reminders(modeladmin, request, queryset, call: Callable, *, nothing_due) -> int:
    """Run a reminder service on each selected row, `call(obj)` returning how many reminders
    it wrote now, and report in one message per outcome how many rows were reminded and how
    many skipped: already reminded today (0 written), nothing to remind of (InvalidTransition,
    reported with `nothing_due`, a text with "%(count)d"), or not the user's region."""
    objects = list(queryset)
    if not objects:
        _nothing_to_change(modeladmin, request)
        return 0
    sent = already = nothing = refused = 0
    for obj in objects:
        try:
            written = call(obj)
        except InvalidTransition:
            nothing += 1
        except TransitionNotAllowed:
            refused += 1
        else:
            if written:
                sent += 1
            else:
                already += 1
    reports = (
        (sent, gettext("Reminders sent: %(count)d."), messages.SUCCESS),
        (already, gettext("Skipped, already reminded today: %(count)d."), messages.WARNING),
        (nothing, nothing_due, messages.WARNING),
        (
            refused,
            gettext("Not sent, only the coordinators of its region may do this: %(count)d."),
            messages.ERROR,
        ),
    )
    for count, text, level in reports:
        if count:
            modeladmin.message_user(request, text % {"count": count}, level)
    return sent


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


# allauth registers its own admin for authenticators, whose change page shows the stored data
# (the TOTP secret, the recovery codes' seed). Staff see which authenticators an account has
# and may delete one (the owner then enrols again at the next sign-in); the secrets never show.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__name")
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields
    ordering = ("-created_at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
