"""Admin for coordinator profiles, start orientations, reviews and surveys."""

from django.contrib import admin

from accounts.admin import lookup_column
from programs.admin import RegionScopedAdminMixin

from .models import (
    CoordinatorProfile,
    Orientation,
    ReviewPlan,
    ReviewSession,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)

# Placement-owned rows reach their region through the project the entry was for.
PLACEMENT_REGION = "placement__application__project__region"
# What a placement's name (student → project) needs, so a list shows it without extra queries.
PLACEMENT_NAME = ("placement__application__student", "placement__application__project")
PLACEMENT_SEARCH = (
    "placement__application__student__email",
    "placement__application__student__name",
    "placement__application__project__title",
)


@admin.register(CoordinatorProfile)
class CoordinatorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "title", "organization", "phone", "is_public")
    list_filter = ("is_public",)
    list_select_related = ("user",)
    search_fields = ("user__email", "user__name", "user__name_kana", "organization")
    autocomplete_fields = ("user",)
    ordering = ("user__email",)


@admin.register(Orientation)
class OrientationAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = PLACEMENT_REGION
    region = lookup_column(Orientation, PLACEMENT_REGION)
    list_display = (
        "placement",
        "region",
        "starts_at",
        "coordinator",
        "held_at",
        "cancelled_at",
        "student_attended",
        "host_attended",
        "coordinator_attended",
    )
    list_filter = (PLACEMENT_REGION, "held_at", "cancelled_at")
    list_select_related = (*PLACEMENT_NAME, PLACEMENT_REGION, "coordinator")
    search_fields = PLACEMENT_SEARCH
    autocomplete_fields = ("placement", "coordinator")
    date_hierarchy = "starts_at"
    ordering = ("-starts_at",)


@admin.register(ReviewPlan)
class ReviewPlanAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = PLACEMENT_REGION
    region = lookup_column(ReviewPlan, PLACEMENT_REGION)
    list_display = ("placement", "region", "every_weeks", "midterm_on", "final_on")
    list_filter = ("every_weeks", PLACEMENT_REGION)
    list_select_related = (*PLACEMENT_NAME, PLACEMENT_REGION)
    search_fields = PLACEMENT_SEARCH
    autocomplete_fields = ("placement",)
    ordering = ("-placement__created_at",)


@admin.register(ReviewSession)
class ReviewSessionAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = PLACEMENT_REGION
    region = lookup_column(ReviewSession, PLACEMENT_REGION)
    list_display = ("placement", "region", "kind", "due_on", "held_at", "health")
    list_filter = ("kind", "health", PLACEMENT_REGION, "held_at")
    list_select_related = (*PLACEMENT_NAME, PLACEMENT_REGION)
    search_fields = PLACEMENT_SEARCH
    autocomplete_fields = ("placement",)
    date_hierarchy = "due_on"
    ordering = ("-due_on", "-id")


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    fields = ("position", "kind", "text", "choices", "required")
    ordering = ("position", "id")
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title", "audience", "is_active", "created_at")
    list_filter = ("audience", "is_active")
    search_fields = ("title",)
    readonly_fields = ("created_at",)
    ordering = ("audience", "title")
    inlines = (SurveyQuestionInline,)


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "survey", "position", "kind", "required")
    list_filter = ("survey", "kind", "required")
    list_select_related = ("survey",)
    search_fields = ("text", "survey__title")
    ordering = ("survey__audience", "survey__title", "position", "id")


@admin.register(SurveyResponse)
class SurveyResponseAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    # The response keeps its own copy of the region, so it stays scoped after the placement.
    region_field = "region"
    list_display = (
        "survey",
        "respondent",
        "placement",
        "region",
        "term",
        "submitted_at",
        "created_at",
    )
    list_filter = ("survey", "region", "term", "submitted_at")
    list_select_related = ("survey", "respondent", *PLACEMENT_NAME, "region", "term")
    search_fields = ("survey__title", "respondent__email", "respondent__name")
    autocomplete_fields = ("placement", "respondent")
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
