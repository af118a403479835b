"""Admin for host organisations and members, intake interviews, themes and projects."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import (
    ReadOnlyAdminMixin,
    StatusChangeAdmin,
    StatusChangeInline,
    lookup_column,
)
from programs.admin import RegionScopedAdminMixin

from .models import (
    HostMembership,
    HostOrganization,
    IntakeInterview,
    Project,
    ProjectStatus,
    ProjectStatusChange,
    ProjectVersion,
    Theme,
)


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


@admin.register(IntakeInterview)
class IntakeInterviewAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = "region"
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
    # The outcome and its date are set together by the decision service.
    readonly_fields = ("outcome", "decided_at", "created_at")
    date_hierarchy = "held_at"
    ordering = ("-held_at",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "slug")
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    ordering = ("name",)


class ProjectStatusChangeInline(StatusChangeInline):
    model = ProjectStatusChange
    status_choices = ProjectStatus


class ProjectVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProjectVersion
    fields = ("number", "submitted_by", "created_at")
    readonly_fields = fields
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project", "submitted_by")


@admin.register(Project)
class ProjectAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = "region"
    list_display = (
        "title",
        "organization",
        "region",
        "term",
        "status",
        "participation_style",
        "capacity",
        "entry_deadline",
        "published_at",
    )
    list_filter = ("status", "region", "term", "participation_style", "themes")
    list_select_related = ("organization", "region", "term")
    search_fields = ("title", "summary", "organization__name")
    autocomplete_fields = ("organization", "themes", "based_on", "created_by")
    # published_at and closed_at are stamped by the services that move the status.
    readonly_fields = ("status", "published_at", "closed_at", "created_at", "updated_at")
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


@admin.register(ProjectStatusChange)
class ProjectStatusChangeAdmin(RegionScopedAdminMixin, StatusChangeAdmin):
    region_field = "project__region"
    status_choices = ProjectStatus
    parent = lookup_column(ProjectStatusChange, "project", Project._meta.verbose_name)
    list_filter = (*StatusChangeAdmin.list_filter, "project__region")
    list_select_related = ("project", "actor")
    search_fields = ("project__title", "note")


@admin.register(ProjectVersion)
class ProjectVersionAdmin(RegionScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Snapshots taken on submission; kept as they were so versions can be compared."""

    region_field = "project__region"
    parent = lookup_column(ProjectVersion, "project", Project._meta.verbose_name)
    list_display = ("parent", "number", "submitted_by", "created_at")
    list_filter = ("project__region",)
    list_select_related = ("project", "submitted_by")
    search_fields = ("project__title",)
    fields = ("parent", "number", "submitted_by", "created_at", "data")
    readonly_fields = fields
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
