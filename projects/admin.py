"""Admin for host organisations and members, intake interviews, themes and projects; the
coordinator's moves (intake outcome, review, publication) are actions that call the services."""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import (
    EVERYWHERE,
    BigListAdminMixin,
    ReadOnlyAdminMixin,
    StatusChangeAdmin,
    StatusChangeInline,
    lookup_column,
    run_service,
    run_with_form,
)
from accounts.models import User
from accounts.roles import is_programme_staff
from notifications.services import normalise_email, suppressed_emails
from programs.admin import RegionScopedAdminMixin
from programs.selectors import regions_coordinated_by

from . import services
from .models import (
    HostMembership,
    HostOrganization,
    IntakeInterview,
    IntakeInterviewOutcome,
    IntakeInterviewStatusChange,
    Project,
    ProjectStatus,
    ProjectStatusChange,
    ProjectVersion,
    Theme,
)
from .selectors import version_diff, version_field_label
from .services import CONTENT_FIELDS, EDITABLE_STATES


class HostMembershipInline(admin.TabularInline):
    model = HostMembership
    fields = ("user", "role", "title", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "organization")


@admin.register(HostOrganization)
class HostOrganizationAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = "region"
    list_display = ("name", "kind", "region", "industry", "size", "created_at")
    list_filter = ("region", "kind", "size")
    list_select_related = ("region",)
    search_fields = ("name", "name_kana", "contact_email", "industry")
    autocomplete_fields = ("lead", "inquiry")
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"
    ordering = ("name",)
    inlines = (HostMembershipInline,)


@admin.register(HostMembership)
class HostMembershipAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = "organization__region"
    region = lookup_column(HostMembership, "organization__region")
    list_display = ("user", "organization", "region", "role", "title", "created_at")
    list_filter = ("role", "organization__region")
    list_select_related = ("user", "organization__region")
    search_fields = ("user__email", "user__name", "user__name_kana", "organization__name")
    autocomplete_fields = ("user", "organization")
    readonly_fields = ("created_at",)
    ordering = ("organization__name", "user__email")


class AttendeesField(forms.Field):
    """The host's side of an intake as lines "name / title", stored as [{"name", "title"}]."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})
    SEPARATOR = re.compile(r"\s*[/／]\s*")
    MAX_LENGTH = 100

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                f"{person.get('name', '')} / {person.get('title', '')}"
                for person in value
                if isinstance(person, dict)
            )
        return value

    def to_python(self, value) -> list[dict[str, str]]:
        people = []
        for number, line in enumerate((value or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = self.SEPARATOR.split(line.strip(), maxsplit=1)
            if len(parts) != 2 or not all(parts):
                raise forms.ValidationError(
                    _(
                        "Line %(line)d: write the name, a slash and the title, "
                        "e.g. “山田 花子 / 人事部長”."
                    ),
                    code="invalid",
                    params={"line": number},
                )
            name, title = parts
            if len(name) > self.MAX_LENGTH or len(title) > self.MAX_LENGTH:
                raise forms.ValidationError(
                    _("Line %(line)d: a name or title is longer than %(max)d characters."),
                    code="max_length",
                    params={"line": number, "max": self.MAX_LENGTH},
                )
            people.append({"name": name, "title": title})
        return people


class IntakeInterviewAdminForm(forms.ModelForm):
    attendees = AttendeesField(
        label=IntakeInterview._meta.get_field("attendees").verbose_name,
        required=False,
        help_text=_("One person per line: name / title, e.g. “山田 花子 / 人事部長”."),
    )

    class Meta:
        model = IntakeInterview
        fields = (
            "region",
            "held_at",
            "coordinator",
            "organization_name",
            "organization_kind",
            "contact_name",
            "contact_email",
            "contact_language",
            "attendees",
            "notes",
            "inquiry",
            "organization",
        )

    def clean(self):
        cleaned = super().clean()
        organization, region = cleaned.get("organization"), cleaned.get("region")
        if organization and region and organization.region_id != region.pk:
            self.add_error("organization", _("This host organisation belongs to another region."))
        return cleaned


class IntakeInterviewStatusChangeInline(StatusChangeInline):
    """The intake's decisions: who recorded which outcome, when, from which."""

    model = IntakeInterviewStatusChange
    status_choices = IntakeInterviewOutcome


@admin.register(IntakeInterview)
class IntakeInterviewAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = "region"
    form = IntakeInterviewAdminForm
    inlines = (IntakeInterviewStatusChangeInline,)
    list_display = (
        "organization_name",
        "contact_name",
        "region",
        "held_at",
        "coordinator",
        "outcome",
        "decided_at",
    )
    list_filter = ("outcome", "region", "organization_kind")
    list_select_related = ("region", "coordinator")
    search_fields = ("organization_name", "contact_name", "contact_email", "notes")
    autocomplete_fields = ("organization", "inquiry", "coordinator")
    # The outcome and its date are set together by intake_record_outcome (the actions below):
    # a new intake is "not decided yet".
    readonly_fields = ("outcome", "decided_at", "created_at")
    fields = (
        "region",
        "held_at",
        "coordinator",
        ("organization_name", "organization_kind"),
        ("contact_name", "contact_email", "contact_language"),
        "attendees",
        "notes",
        "inquiry",
        "organization",
        "outcome",
        "decided_at",
        "created_at",
    )
    date_hierarchy = "held_at"
    ordering = ("-held_at",)
    actions = ("record_proceed", "record_hold", "record_decline")

    def get_inlines(self, request, obj):
        # A new intake has no decisions yet (and its form then needs no inline's data).
        return self.inlines if obj is not None else ()

    def get_autocomplete_fields(self, request):
        if is_programme_staff(request.user):
            return self.autocomplete_fields
        # Coordinators may not browse users: they pick from their regions' coordinators.
        return tuple(f for f in self.autocomplete_fields if f != "coordinator")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("coordinator")
        if field is not None and not is_programme_staff(request.user):
            # The region's coordinators, and whoever held this intake (who may have left).
            held_by = Q(pk=obj.coordinator_id) if obj and obj.coordinator_id else Q(pk__in=[])
            regions = regions_coordinated_by(request.user)
            field.queryset = (
                User.objects.filter(Q(coordinated_regions__in=regions) | held_by)
                .distinct()
                .order_by("email")
            )
        return form

    def get_changeform_initial_data(self, request):
        initial = {"coordinator": request.user.pk, **super().get_changeform_initial_data(request)}
        regions = list(regions_coordinated_by(request.user)[:2])
        if len(regions) == 1:
            initial.setdefault("region", regions[0].pk)
        return initial

    def _record(self, request, queryset, outcome: str, done):
        # The service refuses the same outcome again (for "proceed", a second invitation);
        # saying so by name reads better than its generic refusal.
        for intake in queryset.filter(outcome=outcome):
            self.message_user(
                request,
                gettext("“%(object)s” already has the outcome “%(outcome)s”.")
                % {"object": intake, "outcome": intake.get_outcome_display()},
                messages.WARNING,
            )
        run_service(
            self,
            request,
            queryset.exclude(outcome=outcome),
            lambda intake: services.intake_record_outcome(
                intake=intake, outcome=outcome, actor=request.user
            ),
            done,
        )

    @admin.action(description=_("Record outcome: proceed (invite the host)"), location=EVERYWHERE)
    def record_proceed(self, request, queryset):
        pending = list(queryset.exclude(outcome=IntakeInterview.Outcome.PROCEED))
        self._record(
            request,
            queryset,
            IntakeInterview.Outcome.PROCEED,
            _(
                "“%(object)s”: proceeding. The host organisation is linked and its contact "
                "has been sent an invitation."
            ),
        )
        # A contact who stopped invitations (the link in an earlier one) gets none: say so.
        proceeded = IntakeInterview.objects.filter(
            pk__in=[intake.pk for intake in pending], outcome=IntakeInterview.Outcome.PROCEED
        )
        stopped = suppressed_emails(
            emails=[intake.contact_email for intake in proceeded], event="host_invited"
        )
        for intake in proceeded:
            if normalise_email(intake.contact_email) in stopped:
                text = gettext(
                    "“%(object)s”: no invitation email went to %(email)s, which has asked not "
                    "to receive invitations. Please contact them directly."
                )
                self.message_user(
                    request,
                    text % {"object": intake, "email": intake.contact_email},
                    messages.WARNING,
                )

    @admin.action(description=_("Record outcome: on hold"), location=EVERYWHERE)
    def record_hold(self, request, queryset):
        self._record(
            request,
            queryset,
            IntakeInterview.Outcome.HOLD,
            _("“%(object)s”: put on hold."),
        )

    @admin.action(description=_("Record outcome: decline"), location=EVERYWHERE)
    def record_decline(self, request, queryset):
        self._record(
            request,
            queryset,
            IntakeInterview.Outcome.DECLINE,
            _("“%(object)s”: declined."),
        )


class ThemeRegionFilter(admin.SimpleListFilter):
    """Themes used by a region's projects. Themes are shared, projects are not: a coordinator
    picks among their own regions, and another region's id shows no theme."""

    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [(str(r.pk), r.name) for r in regions_coordinated_by(request.user)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if not self.value().isdigit():
            return queryset.none()
        region = regions_coordinated_by(request.user).filter(pk=int(self.value()))
        return queryset.filter(projects__region__in=region).distinct()


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "slug")
    list_filter = (ThemeRegionFilter,)
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    ordering = ("name",)


class ProjectStatusChangeInline(StatusChangeInline):
    model = ProjectStatusChange
    status_choices = ProjectStatus


# Comparing versions ------------------------------------------------------------------


def with_previous_version(queryset):
    """Versions annotated with the content of the version before them, in the same query."""
    previous = ProjectVersion.objects.filter(
        project=models.OuterRef("project"), number=models.OuterRef("number") - 1
    ).values("data")[:1]
    return queryset.annotate(
        previous_data=models.Subquery(previous, output_field=models.JSONField())
    )


def version_changes(version: ProjectVersion) -> list[str]:
    """The content fields that differ from the previous version (all of them for the first)."""
    previous = getattr(version, "previous_data", None) or {}
    return [k for k, v in version.data.items() if previous.get(k) != v]


class VersionChangesMixin:
    """Read-only columns that compare a version with the one before it."""

    def get_queryset(self, request):
        return with_previous_version(super().get_queryset(request))

    @admin.display(description=_("changed since the previous version"))
    def changed_fields(self, obj: ProjectVersion) -> str:
        if obj.number == 1:
            return gettext("First version")
        names = version_changes(obj)
        return ", ".join(version_field_label(n) for n in names) or gettext("No changes")


# Forms of the intermediate pages -----------------------------------------------------


class RequestChangesForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the host"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=_("The host members receive this by email and see it with the project."),
    )

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(_("Write what the host should change."), code="required")
        return comment


class PublishAtForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Japan time. The project is published automatically at this time."),
    )

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at <= timezone.now():
            raise forms.ValidationError(
                _("Choose a time in the future, or use “Publish now”."), code="past"
            )
        return at


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Sent to the host members and the region's coordinators."),
    )


class VersionCompareForm(forms.Form):
    """Two of one project's versions, by number."""

    a = forms.TypedChoiceField(label=_("Compare"), coerce=int)
    b = forms.TypedChoiceField(label=_("with"), coerce=int)

    def __init__(self, *args, versions: list[ProjectVersion], **kwargs):
        super().__init__(*args, **kwargs)
        when = lambda v: date_format(timezone.localtime(v.created_at), "Y-m-d H:i")  # noqa: E731
        choices = [(v.number, f"v{v.number} ({when(v)})") for v in versions]
        self.fields["a"].choices = self.fields["b"].choices = choices
        if len(versions) >= 2:
            self.initial = {"a": versions[-2].number, "b": versions[-1].number}


def compare_url(project_id: int, a: int | None = None, b: int | None = None) -> str:
    """The admin page that compares two versions of a project (by default the last two)."""
    url = reverse("admin:projects_project_compare", args=[project_id])
    return f"{url}?a={a}&b={b}" if a and b else url


class ProjectVersionInline(VersionChangesMixin, ReadOnlyAdminMixin, admin.TabularInline):
    model = ProjectVersion
    fields = ("number", "submitted_by", "created_at", "changed_fields", "compare")
    readonly_fields = fields
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project", "submitted_by")

    @admin.display(description=_("Compare"))
    def compare(self, obj: ProjectVersion) -> str:
        if obj.number == 1:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            compare_url(obj.project_id, obj.number - 1, obj.number),
            gettext("Compare with another version"),
        )


@admin.register(Project)
class ProjectAdmin(BigListAdminMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = "region"
    # The list shows none of the long texts; the change page reads them all.
    list_deferred_fields = (
        "summary",
        "vision",
        "challenge",
        "intern_role",
        "outcomes",
        "housing_support",
        "travel_support",
        "pre_assignment_brief",
        "search_text",
        "search_grams",
    )
    list_display = (
        "title",
        "organization",
        "region",
        "term",
        "status",
        "participation_style",
        "capacity",
        "entry_deadline",
        "publish_at",
        "published_at",
    )
    list_filter = ("status", "region", "term", "participation_style", "themes")
    list_select_related = ("organization", "region", "term")
    search_fields = ("title", "summary", "organization__name")
    autocomplete_fields = ("organization", "themes", "based_on")
    # The status and its dates move only through the services (the actions below); the
    # region is the organisation's; created_by is the user who created it (project_create).
    readonly_fields = (
        "region",
        "status",
        "publish_at",
        "published_at",
        "closed_at",
        "created_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "summary", "organization", "region", "term", "themes")}),
        (_("Content"), {"fields": ("vision", "challenge", "intern_role", "outcomes")}),
        (
            _("Conditions"),
            {
                "fields": (
                    "duration_months",
                    "starts_on",
                    "ends_on",
                    "participation_style",
                    "commute_days_per_week",
                    "location",
                    "housing_support",
                    "travel_support",
                    "stipend",
                    "capacity",
                )
            },
        ),
        (
            _("Recruitment"),
            {
                "fields": (
                    "pre_assignment_brief",
                    "pre_assignment_deadline",
                    "entry_deadline",
                    "status",
                    "publish_at",
                    "published_at",
                    "closed_at",
                )
            },
        ),
        (_("History"), {"fields": ("based_on", "created_by", "created_at", "updated_at")}),
    )
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = (ProjectVersionInline, ProjectStatusChangeInline)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is None or obj.status in EDITABLE_STATES:
            return fields
        # Under review or later, content changes go through "request changes" so that every
        # submitted version is kept; only the entry deadline may still move.
        content = [f for f in CONTENT_FIELDS if f != "entry_deadline"]
        return (*fields, *content, "summary", "organization", "themes")

    actions = (
        "approve",
        "request_changes",
        "publish_now",
        "schedule_publication",
        "close_entry",
        "mark_in_progress",
        "mark_completed",
        "cancel",
    )

    def get_urls(self):
        compare = path(
            "<path:object_id>/versions/compare/",
            self.admin_site.admin_view(self.compare_versions_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_compare",
        )
        # Before the admin's own "<path:object_id>/" catch-all.
        return [compare, *super().get_urls()]

    def compare_versions_view(self, request, object_id):
        """Any two submitted versions of one project, field by field (a coordinator's project
        of another region is a 404, as its change page is)."""
        project = self.get_object(request, unquote(object_id))
        if project is None:
            raise Http404
        if not self.has_view_permission(request, project):
            raise PermissionDenied
        versions = list(project.versions.select_related("submitted_by").order_by("number"))
        form = VersionCompareForm(request.GET or None, versions=versions)
        left = right = None
        if form.is_bound and form.is_valid():
            by_number = {v.number: v for v in versions}
            left, right = by_number[form.cleaned_data["a"]], by_number[form.cleaned_data["b"]]
        elif not form.is_bound and len(versions) >= 2:
            left, right = versions[-2], versions[-1]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Submitted versions"),
            "subtitle": str(project),
            "project": project,
            "versions": versions,
            "form": form,
            "left": left,
            "right": right,
            "diff": version_diff(left.data, right.data) if left and right else [],
        }
        status = 400 if form.is_bound and not form.is_valid() else 200
        return TemplateResponse(
            request, "projects/admin/project_version_compare.html", context, status=status
        )

    def save_form(self, request, form, change):
        if change:
            return super().save_form(request, form, change)
        # A new project is made by project_create: it checks the user may create projects
        # for the organisation, copies the organisation's region and records the first status.
        draft = form.save(commit=False)
        fields = {
            name: getattr(draft, name)
            for name in form.fields
            if name not in ("organization", "title", "themes")
        }
        project = services.project_create(
            organization=draft.organization, actor=request.user, title=draft.title, **fields
        )
        form.instance = project  # save_m2m() then sets the themes on the created project
        return project

    def save_model(self, request, obj, form, change):
        if not change:
            return  # saved by project_create in save_form
        # The region is copied from the organisation so the index filters on one table.
        obj.region_id = obj.organization.region_id
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Approve"), location=EVERYWHERE)
    def approve(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda project: services.project_approve(project=project, actor=request.user),
            _("“%(object)s” is approved."),
        )

    @admin.action(description=_("Request changes…"), location=EVERYWHERE)
    def request_changes(self, request, queryset):
        return run_with_form(
            self,
            request,
            queryset,
            RequestChangesForm,
            action="request_changes",
            title=_("Request changes"),
            intro=_(
                "The project goes back to the host with your comment; they change it and "
                "submit it again."
            ),
            call=lambda project, data: services.project_request_changes(
                project=project, actor=request.user, comment=data["comment"]
            ),
            done=_("“%(object)s” is sent back to the host with your comment."),
        )

    @admin.action(description=_("Publish now"), location=EVERYWHERE)
    def publish_now(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda project: services.project_publish(project=project, actor=request.user),
            _("“%(object)s” is published."),
        )

    @admin.action(description=_("Publish at…"), location=EVERYWHERE)
    def schedule_publication(self, request, queryset):
        return run_with_form(
            self,
            request,
            queryset,
            PublishAtForm,
            action="schedule_publication",
            title=_("Schedule the publication"),
            intro=_("Approved projects are published automatically at the time you choose."),
            call=lambda project, data: services.project_publish(
                project=project, actor=request.user, at=data["at"]
            ),
            done=_("“%(object)s” will be published at %(when)s."),
            params=lambda data: {
                "when": date_format(timezone.localtime(data["at"]), "DATETIME_FORMAT")
            },
        )

    @admin.action(description=_("Close entry"), location=EVERYWHERE)
    def close_entry(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda project: services.project_close(project=project, actor=request.user),
            _("Entry to “%(object)s” is closed."),
        )

    @admin.action(description=_("Mark in progress"), location=EVERYWHERE)
    def mark_in_progress(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda project: services.project_start(project=project, actor=request.user),
            _("“%(object)s” is in progress."),
        )

    @admin.action(description=_("Mark completed"), location=EVERYWHERE)
    def mark_completed(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda project: services.project_complete(project=project, actor=request.user),
            _("“%(object)s” is completed."),
        )

    @admin.action(description=_("Cancel…"), location=EVERYWHERE)
    def cancel(self, request, queryset):
        return run_with_form(
            self,
            request,
            queryset,
            CancelForm,
            action="cancel",
            title=_("Cancel the project"),
            intro=_("A cancelled project cannot be reopened; the host can start a new one."),
            call=lambda project, data: services.project_cancel(
                project=project, actor=request.user, reason=data["reason"]
            ),
            done=_("“%(object)s” is cancelled."),
        )


@admin.register(ProjectStatusChange)
class ProjectStatusChangeAdmin(RegionScopedAdminMixin, StatusChangeAdmin):
    region_field = "project__region"
    status_choices = ProjectStatus
    parent = lookup_column(ProjectStatusChange, "project", Project._meta.verbose_name)
    list_filter = (*StatusChangeAdmin.list_filter, "project__region")
    list_select_related = ("project", "actor")
    search_fields = ("project__title", "note")


@admin.register(ProjectVersion)
class ProjectVersionAdmin(
    VersionChangesMixin, RegionScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """Snapshots taken on submission; kept as they were, and compared with the one before."""

    region_field = "project__region"
    parent = lookup_column(ProjectVersion, "project", Project._meta.verbose_name)
    list_display = ("parent", "number", "submitted_by", "created_at", "changed_fields")
    list_filter = ("project__region",)
    list_select_related = ("project", "submitted_by")
    search_fields = ("project__title",)
    fields = ("parent", "number", "submitted_by", "created_at", "comparison", "data")
    readonly_fields = fields
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")

    @admin.display(description=_("compared with the previous version"))
    def comparison(self, obj: ProjectVersion):
        link = format_html(
            '<p><a href="{}">{}</a></p>',
            compare_url(obj.project_id, max(obj.number - 1, 1), obj.number),
            gettext("Compare with another version"),
        )
        if obj.number == 1:
            return format_html("{}{}", gettext("First version"), link)
        rows = version_diff(obj.previous_data or {}, obj.data)
        if not rows:
            return format_html("{}{}", gettext("No changes"), link)
        body = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            ((row["field"], row["before"], row["after"]) for row in rows),
        )
        return format_html(
            "<table><thead><tr><th></th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>{}",
            gettext("Version %(number)d") % {"number": obj.number - 1},
            gettext("Version %(number)d") % {"number": obj.number},
            body,
            link,
        )
