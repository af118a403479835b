"""Admin for coordinator profiles, start orientations, reviews and surveys; steps 7 and 8, the
end of a placement and the next cycle are actions on the placement that call the services."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import ActionLocation
from django.contrib.admin.utils import flatten
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Max
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import (
    CHANGE_FORM_ACTION,
    EVERYWHERE,
    BigListAdminMixin,
    ReadOnlyAdminMixin,
    action_form,
    action_form_page,
    lookup_column,
    run_reminders,
    run_service,
    run_with_form,
)
from accounts.roles import is_programme_staff
from accounts.workflow import InvalidTransition
from applicants import admin as applicants_admin
from applicants.models import Placement
from programs.admin import ALL_DONE, FlowStep, RegionScopedAdminMixin, StepTrackerMixin
from programs.models import Region
from projects import admin as projects_admin
from projects import services as project_services
from projects.models import HostOrganization, IntakeInterview, Project
from projects.selectors import localised_name

from . import services
from .models import (
    CoordinatorProfile,
    Orientation,
    ReviewPlan,
    ReviewSession,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from .selectors import (
    HOST_COLUMNS,
    PLACEMENT_PROJECT_STATES,
    PROJECT_STATUS_STEP,
    _host_card,
    _project_step,
)

# Placement-owned rows reach their region through the project the entry was for.
PLACEMENT_REGION = "placement__application__project__region"
# What a placement's name (student → project) needs, so a list shows it without extra queries.
PLACEMENT_NAME = ("placement__application__student", "placement__application__project")
PLACEMENT_SEARCH = (
    "placement__application__student__email",
    "placement__application__student__name",
    "placement__application__student__name_kana",
    "placement__application__project__title",
    "placement__application__project__organization__name",
)


def _only_when(statuses, call):
    """Wrap `call(placement)` so a placement in another state is refused like a service would
    refuse it, and `run_service` reports it with its status."""

    def guarded(placement: Placement):
        if placement.status not in statuses:
            raise InvalidTransition(f"not possible while {placement.status}")
        return call(placement)

    return guarded


# Forms of the intermediate pages -----------------------------------------------------------

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
GOALS = forms.Textarea(attrs={"rows": 4, "cols": 80})


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


class OrientationScheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_label(Orientation, "starts_at"), widget=DATETIME_LOCAL, help_text=_("Japan time.")
    )
    ends_at = forms.DateTimeField(label=_label(Orientation, "ends_at"), widget=DATETIME_LOCAL)
    place = forms.CharField(label=_label(Orientation, "place"), max_length=200, required=False)
    meeting_url = forms.URLField(
        label=_label(Orientation, "meeting_url"), required=False, assume_scheme="https"
    )

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The orientation ends after it starts."))
        if not (data.get("place") or data.get("meeting_url") or self.has_error("meeting_url")):
            raise forms.ValidationError(
                _("Give the place, the meeting URL or both."), code="nowhere"
            )
        return data


class OrientationRecordForm(forms.Form):
    student_goals = forms.CharField(label=_label(Orientation, "student_goals"), widget=GOALS)
    host_goals = forms.CharField(label=_label(Orientation, "host_goals"), widget=GOALS)
    coordinator_goals = forms.CharField(
        label=_label(Orientation, "coordinator_goals"), widget=GOALS
    )
    student_attended = forms.BooleanField(
        label=_label(Orientation, "student_attended"), required=False
    )
    host_attended = forms.BooleanField(label=_label(Orientation, "host_attended"), required=False)
    coordinator_attended = forms.BooleanField(
        label=_label(Orientation, "coordinator_attended"), required=False
    )


class OrientationCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        required=False,
        help_text=_("Shown to everyone invited."),
    )


class ReviewCadenceForm(forms.Form):
    every_weeks = forms.TypedChoiceField(
        label=_label(ReviewPlan, "every_weeks"),
        choices=ReviewPlan.Cadence.choices,
        coerce=int,
        initial=ReviewPlan.Cadence.FOUR_WEEKLY,
        widget=forms.RadioSelect,
    )
    midterm_on = forms.DateField(
        label=_label(ReviewPlan, "midterm_on"),
        required=False,
        widget=DATE,
        help_text=_("Left empty, halfway through the placement."),
    )
    final_on = forms.DateField(
        label=_label(ReviewPlan, "final_on"),
        required=False,
        widget=DATE,
        help_text=_("Left empty, the placement's last day."),
    )

    def clean(self):
        data = super().clean()
        midterm_on, final_on = data.get("midterm_on"), data.get("final_on")
        if midterm_on and final_on and final_on <= midterm_on:
            self.add_error("final_on", _("The final review comes after the midterm."))
        return data


# Coordinators --------------------------------------------------------------------------------


PROFILE_FIELDS = ("title", "organization", "phone", "bio")


class CoordinatorProfileForm(forms.ModelForm):
    """A coordinator's profile and the regions they coordinate: saving appoints them to the
    regions added (coordinator_appoint) and dismisses them from those removed."""

    regions = forms.ModelMultipleChoiceField(
        label=_("regions coordinated"),
        queryset=Region.objects.order_by("position", "id"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A coordinator sees the personal data of the students of these regions: from "
            "their next page on they sign in with their authenticator app's code."
        ),
    )

    class Meta:
        model = CoordinatorProfile
        fields = ("user", "regions", *PROFILE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["regions"].initial = list(
                self.instance.user.coordinated_regions.values_list("pk", flat=True)
            )


@admin.register(CoordinatorProfile)
class CoordinatorProfileAdmin(admin.ModelAdmin):
    """Where staff appoint coordinators: the profile with its regions. Whether the public
    pages name a coordinator is set per region, on the region's page."""

    form = CoordinatorProfileForm
    fields = ("user", "regions", *PROFILE_FIELDS)
    list_display = ("user", "title", "organization", "phone", "regions")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__name", "user__name_kana", "organization")
    autocomplete_fields = ("user",)
    ordering = ("user__email",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("user__region_roles__region")
        if is_programme_staff(request.user):
            return queryset
        # A coordinator sees the profiles of those who share one of their regions.
        return queryset.filter(user__coordinated_regions__coordinators=request.user).distinct()

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not is_programme_staff(request.user):
            raise Http404(f"No coordinator profile {object_id!r} in the user's regions")
        return obj

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj is not None else ()

    @admin.display(description=_("regions coordinated"))
    def regions(self, obj: CoordinatorProfile) -> str:
        names = []
        for role in obj.user.region_roles.all():
            name = localised_name(role.region)
            if not role.is_public:
                name = gettext("%(region)s (not named in public)") % {"region": name}
            names.append(name)
        return ", ".join(names)

    def save_model(self, request, obj, form, change):
        """The profile, and the regions through the services: appointed to those added,
        dismissed from those removed. A new profile is made by the first appointment."""
        if change:
            obj.save()
        wanted = set(form.cleaned_data["regions"])
        current = set(Region.objects.filter(coordinators=obj.user)) if change else set()
        profile = {name: form.cleaned_data.get(name, "") for name in PROFILE_FIELDS}
        for region in sorted(wanted - current, key=lambda region: region.pk):
            appointed = services.coordinator_appoint(
                user=obj.user, region=region, actor=request.user, **profile
            )
            if obj.pk is None:
                obj.pk, obj._state.adding = appointed.pk, False
        for region in current - wanted:
            services.coordinator_dismiss(user=obj.user, region=region, actor=request.user)

    def delete_model(self, request, obj):
        """No longer a coordinator anywhere: dismissed from every region, then the profile."""
        for region in Region.objects.filter(coordinators=obj.user):
            services.coordinator_dismiss(user=obj.user, region=region, actor=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for profile in queryset.select_related("user"):
            self.delete_model(request, profile)


# Step 7: the start orientation -------------------------------------------------------------


@admin.register(Orientation)
class OrientationAdmin(BigListAdminMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    """Written by the services only: scheduled from the placement (which sends the invitations),
    recorded here by the action (which starts the placement)."""

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
    list_filter = (PLACEMENT_REGION, "held_at", "cancelled_at", "placement__status")
    list_select_related = (*PLACEMENT_NAME, PLACEMENT_REGION, "coordinator")
    search_fields = (*PLACEMENT_SEARCH, "place")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "placement",
                    ("starts_at", "ends_at"),
                    "place",
                    "meeting_url",
                    "coordinator",
                    "held_at",
                    "cancelled_at",
                )
            },
        ),
        (
            _("Goal sheet"),
            {"fields": ("student_goals", "host_goals", "coordinator_goals")},
        ),
        (
            _("Attendance"),
            {"fields": ("student_attended", "host_attended", "coordinator_attended")},
        ),
    )
    readonly_fields = (
        "placement",
        "starts_at",
        "ends_at",
        "place",
        "meeting_url",
        "coordinator",
        "held_at",
        "cancelled_at",
        "student_goals",
        "host_goals",
        "coordinator_goals",
        "student_attended",
        "host_attended",
        "coordinator_attended",
    )
    date_hierarchy = "starts_at"
    ordering = ("-starts_at",)
    actions = ("record_held", "cancel_orientation")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Record the held orientation…"), location=EVERYWHERE)
    def record_held(self, request, queryset):
        orientations = list(queryset)
        if len(orientations) > 1:
            self.message_user(
                request,
                gettext("Record one orientation at a time: each has its own goal sheet."),
                messages.WARNING,
            )
            return None
        initial = {}
        if orientations:
            (orientation,) = orientations
            initial = {
                name: getattr(orientation, name) for name in OrientationRecordForm.base_fields
            }
        form = action_form(request, OrientationRecordForm, initial=initial)
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                orientations,
                form,
                action="record_held",
                title=_("Record the held orientation"),
                intro=_(
                    "The three parties' goals make the agreed goal sheet. Recording the "
                    "orientation starts the placement."
                ),
            )
        run_service(
            self,
            request,
            orientations,
            lambda orientation: services.orientation_record(
                orientation=orientation, actor=request.user, **form.cleaned_data
            ),
            _("“%(object)s” is recorded; the placement is active."),
        )

    @admin.action(description=_("Cancel the orientation…"), location=EVERYWHERE)
    def cancel_orientation(self, request, queryset):
        return run_with_form(
            self,
            request,
            queryset,
            OrientationCancelForm,
            action="cancel_orientation",
            title=_("Cancel the start orientation"),
            intro=_(
                "The student, the host's members and the region's coordinators receive the "
                "cancellation of the calendar invitation (.ics). While the placement is "
                "preparing, the orientation can be scheduled again from the placement."
            ),
            call=lambda orientation, data: services.orientation_cancel(
                orientation=orientation, actor=request.user, reason=data["reason"]
            ),
            done=_(
                "The start orientation “%(object)s” is cancelled and the cancellations are sent."
            ),
        )


class PlacementRowsInline(ReadOnlyAdminMixin):
    """A placement's orientation or reviews under it, read-only, each linking to its page;
    the placement's entry comes with each row (its name is the row's title)."""

    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("placement__application__student", "placement__application__project")
        )


class OrientationInline(PlacementRowsInline, admin.StackedInline):
    model = Orientation
    fields = (
        ("starts_at", "ends_at"),
        "place",
        "meeting_url",
        "held_at",
        ("student_attended", "host_attended", "coordinator_attended"),
        "student_goals",
        "host_goals",
        "coordinator_goals",
    )
    readonly_fields = flatten(fields)


# Step 8: reviews ---------------------------------------------------------------------------


class ReviewAlertFilter(admin.SimpleListFilter):
    """The reviews the board raises an alert for."""

    title = _("needs attention")
    parameter_name = "alert"

    MISSED = "missed"
    AT_RISK = "at_risk"

    def lookups(self, request, model_admin):
        return (
            (self.MISSED, _("Missed (past due, not held)")),
            (self.AT_RISK, _("At risk or off track")),
        )

    def queryset(self, request, queryset):
        if self.value() == self.MISSED:
            # As the reminders count them (coordinators.tasks): only running placements.
            return queryset.filter(
                due_on__lt=timezone.localdate(),
                held_at__isnull=True,
                placement__status=Placement.Status.ACTIVE,
            )
        if self.value() == self.AT_RISK:
            return queryset.filter(
                health__in=[ReviewSession.Health.AT_RISK, ReviewSession.Health.OFF_TRACK]
            )
        return queryset


@admin.register(ReviewPlan)
class ReviewPlanAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    """Set through the placement's action, which lays out the sessions with the plan."""

    region_field = PLACEMENT_REGION
    region = lookup_column(ReviewPlan, PLACEMENT_REGION)
    list_display = ("placement", "region", "every_weeks", "midterm_on", "final_on")
    list_filter = ("every_weeks", PLACEMENT_REGION)
    list_select_related = (*PLACEMENT_NAME, PLACEMENT_REGION)
    search_fields = PLACEMENT_SEARCH
    fields = ("placement", "every_weeks", "midterm_on", "final_on")
    readonly_fields = fields
    ordering = ("-placement__created_at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The coordinator's part of a review, written through review_record.
COORDINATOR_PART = ("coordinator_notes", "progress", "health", "next_actions")
NOTES = forms.Textarea(attrs={"rows": 4, "cols": 80})


class ReviewSessionForm(forms.ModelForm):
    class Meta:
        model = ReviewSession
        fields = ("placement", "kind", "due_on", *COORDINATOR_PART)
        widgets = {"coordinator_notes": NOTES, "progress": NOTES, "next_actions": NOTES}

    def clean(self):
        data = super().clean()
        written = any(data.get(name) for name in COORDINATOR_PART)
        if written and not data.get("coordinator_notes"):
            self.add_error("coordinator_notes", _("Write your notes of the review."))
        if written and not data.get("health"):
            self.add_error("health", _("Choose how the placement is going."))
        return data


@admin.register(ReviewSession)
class ReviewSessionAdmin(BigListAdminMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    """Sessions come from the placement's cadence; the coordinator writes their part here (which
    marks the session held), and sees the student's and the host's part as they wrote it."""

    form = ReviewSessionForm
    region_field = PLACEMENT_REGION
    region = lookup_column(ReviewSession, PLACEMENT_REGION)
    list_display = ("placement", "region", "kind", "due_on", "held_at", "health")
    list_filter = (ReviewAlertFilter, "kind", "health", PLACEMENT_REGION, "held_at")
    list_select_related = (*PLACEMENT_NAME, PLACEMENT_REGION)
    search_fields = PLACEMENT_SEARCH
    autocomplete_fields = ("placement",)
    fieldsets = (
        (None, {"fields": ("placement", "kind", "due_on", "held_at")}),
        (
            _("The student's and the host's part"),
            {"fields": ("student_notes", "host_notes")},
        ),
        (
            _("The coordinator's part"),
            {
                "fields": COORDINATOR_PART,
                "description": _("Saving your part marks the review as held."),
            },
        ),
    )
    readonly_fields = ("held_at", "student_notes", "host_notes")
    date_hierarchy = "due_on"
    ordering = ("-due_on", "-id")
    actions = ("send_reminder", "issue_host_link", "revoke_host_link")
    # After the parts: the host supervisor's link, with buttons for the two actions below.
    change_form_template = "coordinators/admin/reviewsession_change_form.html"

    @admin.action(
        description=_("Remind the student and the host to write their part"),
        location=EVERYWHERE,
    )
    def send_reminder(self, request, queryset):
        run_reminders(
            self,
            request,
            queryset,
            lambda review: services.review_remind(review=review, actor=request.user),
            nothing_due=gettext(
                "Skipped, not due or nothing left to write (held, not running, more than a "
                "week away, or both parts written): %(count)d."
            ),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return (*self.readonly_fields, "placement")

    @admin.action(
        description=_("Issue a new link for the host supervisor (the old one stops working)"),
        permissions=["change"],
        location=[ActionLocation.CHANGE_FORM],
    )
    def issue_host_link(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda review: services.review_host_link_issue(review=review, actor=request.user),
            _(
                "“%(object)s”: a new link for the host supervisor was issued; any earlier one "
                "no longer works."
            ),
        )

    @admin.action(
        description=_("Revoke the host supervisor's link"),
        permissions=["change"],
        location=EVERYWHERE,
    )
    def revoke_host_link(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda review: services.review_host_link_revoke(review=review, actor=request.user),
            _("“%(object)s”: the link for the host supervisor was revoked."),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["host_link"] = self.host_link_panel(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def host_link_panel(self, review: ReviewSession) -> dict:
        """What the change page shows of the host supervisor's link, read from the row: a view
        issues nothing, and shows the same link for as long as it works."""
        token = services.review_host_link_token(review)
        is_open = review.is_open_for_parts()
        closed = ""
        if token and not is_open:
            closed = (
                gettext("This link no longer takes changes: the review was held.")
                if review.held_at is not None
                else gettext(
                    "This link no longer takes changes: the internship has not started or has "
                    "ended."
                )
            )
        return {
            "url": (
                settings.SITE_URL + reverse("coordinators:review-host-link", args=[token])
                if token
                else ""
            ),
            "valid_until": review.host_link_valid_until,
            "expired": token is None and review.host_token is not None,
            "never_issued": review.host_link_issued_at is None,
            "can_issue": is_open,
            "closed": closed,
            "action_field": CHANGE_FORM_ACTION,
        }

    def save_model(self, request, obj, form, change):
        part = {name: form.cleaned_data.get(name) or "" for name in COORDINATOR_PART}
        if change:
            # Only the schedule is saved as such: the parties' parts may have changed meanwhile,
            # and the coordinator's part goes through its service.
            schedule = [name for name in ("kind", "due_on") if name in form.changed_data]
            if schedule:
                obj.save(update_fields=schedule)
        else:
            for name in COORDINATOR_PART:
                setattr(obj, name, "")
            obj.save()
        if any(name in form.changed_data for name in COORDINATOR_PART):
            services.review_record(
                review=obj,
                actor=request.user,
                part="coordinator",
                notes=part["coordinator_notes"],
                progress=part["progress"],
                health=part["health"],
                next_actions=part["next_actions"],
            )
            obj.refresh_from_db()


class ReviewSessionInline(PlacementRowsInline, admin.TabularInline):
    model = ReviewSession
    fields = ("kind", "due_on", "held_at", "health")
    readonly_fields = fields
    ordering = ("due_on", "id")


# The placement: steps 7 and 8, its end, and the next cycle -------------------------------
# applicants.admin registers the placement with the moves of the applicants app; the steps that
# belong to coordinators are added here, by a subclass, because applicants may not import
# coordinators (the apps' floors), while coordinators may import applicants.


class OrientationListFilter(admin.SimpleListFilter):
    title = _("start orientation")
    parameter_name = "orientation"

    def lookups(self, request, model_admin):
        return (
            ("none", _("Not scheduled")),
            ("scheduled", _("Scheduled, not held")),
            ("held", _("Held")),
            ("cancelled", _("Cancelled")),
        )

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(orientation__isnull=True)
        if self.value() == "scheduled":
            return queryset.filter(
                orientation__isnull=False,
                orientation__held_at__isnull=True,
                orientation__cancelled_at__isnull=True,
            )
        if self.value() == "cancelled":
            return queryset.filter(orientation__cancelled_at__isnull=False)
        if self.value() == "held":
            return queryset.filter(orientation__held_at__isnull=False)
        return queryset


admin.site.unregister(Placement)


@admin.register(Placement)
class PlacementAdmin(applicants_admin.PlacementAdmin):
    """The applicants' placement admin with the orientation, the reviews, the step tracker, the
    end that sends the surveys, the next cycle and CSV export."""

    list_display = (
        "student",
        "project",
        "region",
        "status",
        "orientation_starts",
        "starts_on",
        "ends_on",
        "created_at",
    )
    list_filter = (
        *applicants_admin.PlacementAdmin.list_filter,
        "application__project__term",
        OrientationListFilter,
    )
    list_select_related = (
        *applicants_admin.PlacementAdmin.list_select_related,
        "application__project",
        "orientation",
    )
    inlines = (OrientationInline, ReviewSessionInline, *applicants_admin.PlacementAdmin.inlines)
    actions = (
        "schedule_orientation",
        "activate",
        "set_review_cadence",
        "complete",
        "end_early",
        "start_next_project",
    )

    @admin.display(description=_("start orientation"), ordering="orientation__starts_at")
    def orientation_starts(self, obj: Placement):
        try:
            orientation = obj.orientation
        except ObjectDoesNotExist:
            return None
        if orientation.cancelled_at is not None:
            return format_html(
                "<s>{}</s> ({})",
                formats.localize(timezone.localtime(orientation.starts_at)),
                _("cancelled"),
            )
        return orientation.starts_at

    @admin.action(description=_("Schedule the start orientation…"), location=EVERYWHERE)
    def schedule_orientation(self, request, queryset):
        placements = list(queryset)
        initial = {}
        if len(placements) == 1:
            try:
                orientation = placements[0].orientation
            except ObjectDoesNotExist:
                pass
            else:
                initial = {
                    name: getattr(orientation, name) for name in OrientationScheduleForm.base_fields
                }
        form = action_form(request, OrientationScheduleForm, initial=initial)
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                placements,
                form,
                action="schedule_orientation",
                title=_("Schedule the start orientation"),
                intro=_(
                    "The student, the host's members and the region's coordinators receive an "
                    "invitation with a calendar file (.ics). Moving it sends an update."
                ),
            )
        run_service(
            self,
            request,
            placements,
            lambda placement: services.orientation_schedule(
                placement=placement, actor=request.user, **form.cleaned_data
            ),
            _("The start orientation of “%(object)s” is scheduled and the invitations are sent."),
        )

    @admin.action(description=_("Set the review cadence…"), location=EVERYWHERE)
    def set_review_cadence(self, request, queryset):
        allowed = (Placement.Status.PREPARING, Placement.Status.ACTIVE)
        return run_with_form(
            self,
            request,
            queryset,
            ReviewCadenceForm,
            action="set_review_cadence",
            title=_("Set the review cadence"),
            intro=_(
                "The review sessions are laid out from the start to the end of the "
                "placement; sessions not held yet are replaced, held ones stay."
            ),
            call=lambda placement, data: _only_when(
                allowed,
                lambda p: services.review_plan_set(placement=p, actor=request.user, **data),
            )(placement),
            done=_("The reviews of “%(object)s” are laid out."),
        )

    @admin.action(description=_("Complete the placement"), location=EVERYWHERE)
    def complete(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda placement: services.placement_finish(placement=placement, actor=request.user),
            _("“%(object)s” is completed; the surveys are sent."),
        )

    @admin.action(description=_("End early…"), location=EVERYWHERE)
    def end_early(self, request, queryset):
        return run_with_form(
            self,
            request,
            queryset,
            applicants_admin.EndEarlyForm,
            action="end_early",
            title=_("End the placement early"),
            intro=_("The reason stays in the placement's history. The surveys are sent."),
            call=lambda placement, data: services.placement_finish(
                placement=placement, actor=request.user, ended_early_reason=data["reason"]
            ),
            done=_("“%(object)s” ended early; the surveys are sent."),
        )

    @admin.action(description=_("Start the next project from this one"), location=EVERYWHERE)
    def start_next_project(self, request, queryset):
        # Two students of one project make one next project, not two.
        copies = {}

        def copy(placement: Placement):
            source = placement.application.project
            if source.pk not in copies:
                copies[source.pk] = project_services.project_copy(source=source, actor=request.user)

        run_service(
            self,
            request,
            queryset.select_related("application__project"),
            _only_when((Placement.Status.COMPLETED,), copy),
            _("The next project is started as a draft from “%(object)s”."),
        )
        if len(copies) == 1:
            (project,) = copies.values()
            return HttpResponseRedirect(
                reverse(
                    "admin:projects_project_change",
                    args=[project.pk],
                    current_app=self.admin_site.name,
                )
            )
        return None


# Surveys -------------------------------------------------------------------------------------


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
class SurveyResponseAdmin(BigListAdminMixin, RegionScopedAdminMixin, admin.ModelAdmin):
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
    search_fields = (
        "survey__title",
        "respondent__email",
        "respondent__name",
        "respondent__name_kana",
        "placement__application__project__title",
    )
    autocomplete_fields = ("placement", "respondent")
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)


# The step tracker on the pages of hosts and projects -----------------------------------------
# The step comes from the pipeline board's own rules (coordinators.selectors), so a host's page
# and its card on the board agree; the projects app may not import coordinators, so the step
# is added here by subclasses, as for the placement above.

STEP_OF_COLUMN = {key: int(mark) for key, mark, _label, _hint in HOST_COLUMNS if mark.isdigit()}


def _project_rows(projects) -> list[dict]:
    rows = list(
        projects.annotate(since=Max("status_changes__created_at")).values(
            "pk", "organization_id", "title", "status", "term_id", "created_at", "since"
        )
    )
    for row in rows:
        row["since"] = row["since"] or row["created_at"]
    return rows


def _placements_by_project(project_ids) -> dict[int, list[dict]]:
    """The placements that can still move their host, as the board reads them."""
    found: dict[int, list[dict]] = {}
    placements = Placement.objects.filter(
        application__project__in=project_ids,
        application__project__status__in=PLACEMENT_PROJECT_STATES,
    ).annotate(since=Max("status_changes__created_at"))
    for row in placements.values(
        "pk", "status", "application_id", "application__project_id", "created_at", "since"
    ):
        row["since"] = row["since"] or row["created_at"]
        found.setdefault(row["application__project_id"], []).append(row)
    return found


def project_flow_step(project: Project) -> FlowStep:
    """Where a project puts its host: its status, and its placements for steps 7 and 8."""
    if project.status == Project.Status.COMPLETED:
        return FlowStep(ALL_DONE, gettext("The project is completed."))
    if project.status not in PROJECT_STATUS_STEP:
        return FlowStep(None, gettext("The project is cancelled."))
    (row,) = _project_rows(Project.objects.filter(pk=project.pk))
    step, _since = _project_step(row, _placements_by_project([project.pk]).get(project.pk, []))
    return FlowStep(step)


def host_flow_step(host: HostOrganization) -> FlowStep:
    """Where a host stands, as on the pipeline board: the furthest step of its open projects,
    its intake while that is open, or between one cycle and the next."""
    projects = _project_rows(Project.objects.filter(organization=host))
    column, card = _host_card(
        {"pk": host.pk, "name": host.name, "created_at": host.created_at},
        projects,
        _placements_by_project([p["pk"] for p in projects]),
        term=None,
        now=timezone.now(),
    )
    notes = []
    if card.cycle > 1:
        notes.append(gettext("Cycle %(cycle)d") % {"cycle": card.cycle})
    title = next((p["title"] for p in projects if p["pk"] == card.project_pk), None)
    if title:
        notes.append(gettext("from the project “%(project)s”") % {"project": title})
    if column == "next_cycle" and card.step is None:
        notes.append(gettext("The next project starts again at step 4."))
        return FlowStep(ALL_DONE, " · ".join(notes))
    step = card.step if column == "next_cycle" else STEP_OF_COLUMN[column]
    open_intake = IntakeInterview.objects.filter(
        organization=host,
        outcome__in=[IntakeInterview.Outcome.PENDING, IntakeInterview.Outcome.HOLD],
    )
    if step == 4 and card.project_pk is None and open_intake.exists():
        step = 3  # the board too shows a host without a project at its open intake
    return FlowStep(step, " · ".join(notes))


admin.site.unregister(HostOrganization)


@admin.register(HostOrganization)
class HostOrganizationAdmin(StepTrackerMixin, projects_admin.HostOrganizationAdmin):
    """The projects' host admin with the step the host stands at."""

    def flow_step(self, obj: HostOrganization) -> FlowStep:
        return host_flow_step(obj)


admin.site.unregister(Project)


class ProjectCancelForm(projects_admin.CancelForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_(
            "Sent to the host members, the region's coordinators and the students whose "
            "entries close with the project."
        ),
    )


@admin.register(Project)
class ProjectAdmin(StepTrackerMixin, projects_admin.ProjectAdmin):
    """The projects' admin with the step the project puts its host at, and a cancellation
    that closes the project's entries with it."""

    def flow_step(self, obj: Project) -> FlowStep:
        return project_flow_step(obj)

    # The projects app cannot reach the entries: its own action would leave them open.
    @admin.action(description=_("Cancel…"), location=EVERYWHERE)
    def cancel(self, request, queryset):
        return run_with_form(
            self,
            request,
            queryset,
            ProjectCancelForm,
            action="cancel",
            title=_("Cancel the project"),
            intro=_(
                "A cancelled project cannot be reopened; the host can start a new one. Its open "
                "entries are declined and their interviews cancelled, its placements still "
                "preparing end early with their start orientation, and each student is told. "
                "A project whose internship is under way cannot be cancelled."
            ),
            call=lambda project, data: services.project_cancel_with_entries(
                project=project, actor=request.user, reason=data["reason"]
            ),
            done=_("“%(object)s” is cancelled."),
        )
