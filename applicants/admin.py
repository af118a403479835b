"""Admin for student profiles, entries and their files, interviews and placements; the
coordinator's moves on entries and placements are actions that call the services."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import (
    EVERYWHERE,
    BigListAdminMixin,
    ReadOnlyAdminMixin,
    StatusChangeAdmin,
    StatusChangeInline,
    lookup_column,
    run_reminders,
    run_service,
    run_with_form,
)
from programs.admin import FlowStep, RegionScopedAdminMixin, StepTrackerMixin

from . import services
from .models import (
    Application,
    ApplicationFile,
    ApplicationFileDownload,
    ApplicationStatus,
    ApplicationStatusChange,
    Interview,
    InterviewFeedback,
    InterviewSlot,
    InterviewStatus,
    InterviewStatusChange,
    Placement,
    PlacementStatus,
    PlacementStatusChange,
    StudentProfile,
)
from .selectors import entry_step

# The step of the flow a placement stands at (step 7 until the orientation is held).
PLACEMENT_STEP = {
    PlacementStatus.PREPARING: 7,
    PlacementStatus.ACTIVE: 8,
    PlacementStatus.COMPLETED: 8,
}

# Entry-owned rows reach their region through the project the entry is for.
ENTRY_REGION = "application__project__region"
INTERVIEW_REGION = f"interview__{ENTRY_REGION}"


@admin.register(StudentProfile)
class StudentProfileAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "university",
        "faculty",
        "year",
        "leave_of_absence",
        "can_commute",
        "can_reside",
        "can_work_remotely",
        "updated_at",
    )
    list_filter = ("leave_of_absence", "can_commute", "can_reside", "can_work_remotely", "year")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__name", "user__name_kana", "university", "faculty")
    autocomplete_fields = ("user",)
    readonly_fields = ("updated_at",)
    ordering = ("user__email",)


class ApplicationFileInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ApplicationFile
    # No `file`: its link would point at private storage; files are served by a checked view.
    fields = ("original_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields
    extra = 0


class InterviewInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Interview
    fields = ("round", "status", "starts_at", "mode")
    readonly_fields = fields
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("application__student", "application__project")
        )


class ApplicationStatusChangeInline(StatusChangeInline):
    model = ApplicationStatusChange
    status_choices = ApplicationStatus


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=Application._meta.get_field("decline_reason").verbose_name,
        # "The project was cancelled" is given by the project's cancellation, never chosen.
        choices=Application.CHOSEN_DECLINE_REASONS,
    )
    message = forms.CharField(
        label=Application._meta.get_field("decline_message").verbose_name,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        required=False,
        help_text=_("Sent to the student by email with the decision."),
    )


class EndEarlyForm(forms.Form):
    reason = forms.CharField(
        label=Placement._meta.get_field("ended_reason").verbose_name,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


@admin.register(Application)
class ApplicationAdmin(
    BigListAdminMixin, StepTrackerMixin, RegionScopedAdminMixin, admin.ModelAdmin
):
    region_field = "project__region"
    region = lookup_column(Application, "project__region")
    list_display = (
        "student",
        "project",
        "region",
        "status",
        "created_at",
        "pre_assignment_submitted_at",
    )
    list_filter = ("status", "project__region", "project__term", "decline_reason")
    # Every column's related row (the project's and region's names) comes with the page.
    list_select_related = ("student", "project", "project__region")
    search_fields = (
        "student__email",
        "student__name",
        "student__name_kana",
        "project__title",
        "project__organization__name",
    )
    autocomplete_fields = ("student", "project")
    # The decline fields are written with the rejection, by its service.
    readonly_fields = (
        "status",
        "decline_reason",
        "decline_message",
        "declined_by",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = (ApplicationFileInline, InterviewInline, ApplicationStatusChangeInline)
    actions = ("start_screening", "invite_to_interview", "offer", "decline", "send_reminder")

    def flow_step(self, obj: Application) -> FlowStep:
        step = entry_step(obj)
        if step is None:
            note = gettext("The entry is closed: %(status)s.") % {
                "status": obj.get_status_display()
            }
            return FlowStep(None, note)
        return FlowStep(step)

    @admin.action(
        description=_("Send the student a reminder (pre-assignment, interview time)"),
        location=EVERYWHERE,
    )
    def send_reminder(self, request, queryset):
        run_reminders(
            self,
            request,
            queryset,
            lambda entry: services.application_remind(application=entry, actor=request.user),
            nothing_due=gettext(
                "Skipped, nothing waits on the student (no pre-assignment due, no interview "
                "time to choose): %(count)d."
            ),
        )

    @admin.action(description=_("Start screening"), location=EVERYWHERE)
    def start_screening(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda entry: services.application_screen(application=entry, actor=request.user),
            _("“%(object)s” is being screened."),
        )

    @admin.action(description=_("Invite to an interview"), location=EVERYWHERE)
    def invite_to_interview(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda entry: services.application_invite_to_interview(
                application=entry, actor=request.user
            ),
            _("“%(object)s” is invited to an interview."),
        )

    @admin.action(description=_("Offer the place"), location=EVERYWHERE)
    def offer(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda entry: services.application_offer(application=entry, actor=request.user),
            _("“%(object)s” is offered the place."),
        )

    @admin.action(description=_("Decline…"), location=EVERYWHERE)
    def decline(self, request, queryset):
        return run_with_form(
            self,
            request,
            queryset,
            DeclineForm,
            action="decline",
            title=_("Decline the entry"),
            intro=_("The student is told the reason and your message by email."),
            call=lambda entry, data: services.application_reject(
                application=entry,
                actor=request.user,
                reason=data["reason"],
                message=data["message"],
            ),
            done=_("“%(object)s” is declined."),
        )


@admin.register(ApplicationStatusChange)
class ApplicationStatusChangeAdmin(RegionScopedAdminMixin, StatusChangeAdmin):
    region_field = ENTRY_REGION
    status_choices = ApplicationStatus
    parent = lookup_column(ApplicationStatusChange, "application", Application._meta.verbose_name)
    list_filter = (*StatusChangeAdmin.list_filter, ENTRY_REGION)
    list_select_related = ("application__student", "application__project", "actor")
    search_fields = ("application__student__email", "application__project__title", "note")


class ApplicationFileDownloadInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Who other than the student downloaded the file, and when (the download view writes
    these; nobody edits or deletes them here)."""

    model = ApplicationFileDownload
    fields = ("downloaded_at", "user")
    readonly_fields = fields
    extra = 0

    def has_view_permission(self, request, obj=None):
        # Whoever may see the file (its region's coordinators, staff) sees its downloads; the
        # coordinators' group holds no permission on the download log itself.
        return self.admin_site.get_model_admin(self.parent_model).has_view_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(ApplicationFile)
class ApplicationFileAdmin(BigListAdminMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    """Files come in through the entry form only; staff may look and delete, not add or edit."""

    region_field = ENTRY_REGION
    inlines = (ApplicationFileDownloadInline,)
    list_display = ("original_name", "application", "content_type", "size", "uploaded_at")
    list_select_related = ("application__student", "application__project")
    search_fields = ("original_name", "application__student__email", "application__project__title")
    # No `file`: its link would point at private storage; files are served by a checked view.
    fields = ("application", "original_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields
    date_hierarchy = "uploaded_at"
    ordering = ("-uploaded_at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InterviewSlotInline(admin.TabularInline):
    model = InterviewSlot
    fields = ("starts_at", "ends_at", "chosen")
    # The student's pick, made together with scheduling the interview.
    readonly_fields = ("chosen",)
    extra = 0


class InterviewFeedbackInline(admin.TabularInline):
    model = InterviewFeedback
    fields = ("author", "recommendation", "notes", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("author",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class InterviewStatusChangeInline(StatusChangeInline):
    model = InterviewStatusChange
    status_choices = InterviewStatus


@admin.register(Interview)
class InterviewAdmin(BigListAdminMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = ENTRY_REGION
    student = lookup_column(Interview, "application__student")
    project = lookup_column(Interview, "application__project")
    region = lookup_column(Interview, ENTRY_REGION)
    list_display = ("student", "project", "round", "status", "starts_at", "mode", "region")
    list_filter = ("status", "mode", ENTRY_REGION)
    list_select_related = ("application__student", ENTRY_REGION)
    search_fields = (
        "application__student__email",
        "application__student__name",
        "application__project__title",
    )
    autocomplete_fields = ("application", "participants", "created_by")
    readonly_fields = ("status", "created_at")
    date_hierarchy = "starts_at"
    ordering = ("-starts_at", "-id")
    inlines = (InterviewSlotInline, InterviewFeedbackInline, InterviewStatusChangeInline)


@admin.register(InterviewStatusChange)
class InterviewStatusChangeAdmin(RegionScopedAdminMixin, StatusChangeAdmin):
    region_field = INTERVIEW_REGION
    status_choices = InterviewStatus
    parent = lookup_column(InterviewStatusChange, "interview", Interview._meta.verbose_name)
    list_filter = (*StatusChangeAdmin.list_filter, INTERVIEW_REGION)
    list_select_related = (
        "interview__application__student",
        "interview__application__project",
        "actor",
    )
    search_fields = (
        "interview__application__student__email",
        "interview__application__project__title",
        "note",
    )


@admin.register(InterviewSlot)
class InterviewSlotAdmin(BigListAdminMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = INTERVIEW_REGION
    list_display = ("interview", "starts_at", "ends_at", "chosen")
    list_filter = ("chosen", INTERVIEW_REGION)
    list_select_related = ("interview__application__student", "interview__application__project")
    search_fields = (
        "interview__application__student__email",
        "interview__application__project__title",
    )
    autocomplete_fields = ("interview",)
    readonly_fields = ("chosen",)
    date_hierarchy = "starts_at"
    ordering = ("-starts_at",)


@admin.register(InterviewFeedback)
class InterviewFeedbackAdmin(BigListAdminMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = INTERVIEW_REGION
    list_display = ("interview", "author", "recommendation", "created_at")
    list_filter = ("recommendation", INTERVIEW_REGION)
    list_select_related = (
        "interview__application__student",
        "interview__application__project",
        "author",
    )
    search_fields = (
        "author__email",
        "author__name",
        "interview__application__student__email",
        "interview__application__project__title",
    )
    autocomplete_fields = ("interview", "author")
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)


class PlacementStatusChangeInline(StatusChangeInline):
    model = PlacementStatusChange
    status_choices = PlacementStatus


@admin.register(Placement)
class PlacementAdmin(BigListAdminMixin, StepTrackerMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    region_field = ENTRY_REGION
    student = lookup_column(Placement, "application__student")
    project = lookup_column(Placement, "application__project")
    region = lookup_column(Placement, ENTRY_REGION)
    list_display = (
        "student",
        "project",
        "region",
        "status",
        "starts_on",
        "ends_on",
        "created_at",
    )
    list_filter = ("status", ENTRY_REGION)
    list_select_related = ("application__student", ENTRY_REGION)
    search_fields = (
        "application__student__email",
        "application__student__name",
        "application__student__name_kana",
        "application__project__title",
        "application__project__organization__name",
    )
    autocomplete_fields = ("application",)
    # ended_reason is written when the placement ends early, by that service.
    readonly_fields = ("status", "ended_reason", "created_at")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    inlines = (PlacementStatusChangeInline,)
    actions = ("activate", "complete", "end_early")

    def flow_step(self, obj: Placement) -> FlowStep:
        if obj.status == Placement.Status.ENDED_EARLY:
            return FlowStep(None, gettext("The placement ended early."))
        return FlowStep(PLACEMENT_STEP[obj.status])

    @admin.action(description=_("Activate (the start orientation was held)"), location=EVERYWHERE)
    def activate(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda placement: services.placement_activate(placement=placement, actor=request.user),
            _("“%(object)s” is active."),
        )

    @admin.action(description=_("Complete"), location=EVERYWHERE)
    def complete(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda placement: services.placement_complete(placement=placement, actor=request.user),
            _("“%(object)s” is completed."),
        )

    @admin.action(description=_("End early…"), location=EVERYWHERE)
    def end_early(self, request, queryset):
        return run_with_form(
            self,
            request,
            queryset,
            EndEarlyForm,
            action="end_early",
            title=_("End the placement early"),
            call=lambda placement, data: services.placement_end_early(
                placement=placement, actor=request.user, reason=data["reason"]
            ),
            done=_("“%(object)s” ended early."),
        )


@admin.register(PlacementStatusChange)
class PlacementStatusChangeAdmin(RegionScopedAdminMixin, StatusChangeAdmin):
    region_field = f"placement__{ENTRY_REGION}"
    status_choices = PlacementStatus
    parent = lookup_column(PlacementStatusChange, "placement", Placement._meta.verbose_name)
    list_filter = (*StatusChangeAdmin.list_filter, f"placement__{ENTRY_REGION}")
    list_select_related = (
        "placement__application__student",
        "placement__application__project",
        "actor",
    )
    search_fields = (
        "placement__application__student__email",
        "placement__application__project__title",
        "note",
    )
