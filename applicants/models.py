"""Students' profiles, entries (step 6), interviews and the placement a mutual agreement makes."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.workflow import StatusChange, Transitions, status_check
from projects.models import Project


class StudentProfileLeaveOfAbsence(models.TextChoices):
    PLANNED = "planned", _("Planning a leave of absence (休学)")
    CONSIDERING = "considering", _("Considering a leave of absence")
    NO = "no", _("No leave of absence")


class StudentProfile(models.Model):
    """What a student tells hosts about themself; the parts a host needs are required to apply."""

    LeaveOfAbsence = StudentProfileLeaveOfAbsence

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="student_profile",
    )
    university = models.CharField(_("university"), max_length=200, blank=True)
    faculty = models.CharField(_("faculty"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year of study"), null=True, blank=True)
    graduation_year = models.PositiveSmallIntegerField(_("graduation year"), null=True, blank=True)
    hometown = models.CharField(_("hometown"), max_length=100, blank=True)
    current_residence = models.CharField(_("where you live now"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    leave_of_absence = models.CharField(
        _("leave of absence (休学)"),
        max_length=20,
        choices=LeaveOfAbsence.choices,
        default=LeaveOfAbsence.NO,
    )
    can_commute = models.BooleanField(_("can commute"), default=False)
    commute_days_per_week = models.PositiveSmallIntegerField(
        _("days per week you can commute"), null=True, blank=True
    )
    can_reside = models.BooleanField(_("can live in the region"), default=False)
    can_work_remotely = models.BooleanField(_("can work remotely"), default=False)
    skills = models.TextField(_("skills"), blank=True)
    bio = models.TextField(_("about you"), blank=True)
    portfolio_url = models.URLField(_("portfolio link"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    REQUIRED_FOR_ENTRY = ("university", "faculty", "year", "current_residence", "bio")

    class Meta:
        verbose_name = _("student profile")
        verbose_name_plural = _("student profiles")
        constraints = [
            status_check(
                "leave_of_absence", StudentProfileLeaveOfAbsence, "studentprofile_leave_valid"
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | (Q(year__gte=1) & Q(year__lte=9)),
                name="studentprofile_year_range",
            ),
            models.CheckConstraint(
                condition=Q(commute_days_per_week__isnull=True)
                | (Q(commute_days_per_week__gte=1) & Q(commute_days_per_week__lte=7)),
                name="studentprofile_commute_days_1_to_7",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def missing_for_entry(self) -> list[str]:
        return [f for f in self.REQUIRED_FOR_ENTRY if getattr(self, f) in (None, "")]

    @property
    def completeness(self) -> int:
        fields = (
            *self.REQUIRED_FOR_ENTRY,
            "graduation_year",
            "hometown",
            "skills",
            "portfolio_url",
        )
        filled = sum(1 for f in fields if getattr(self, f) not in (None, ""))
        return round(100 * filled / len(fields))


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", _("Screening")
    INTERVIEWING = "interviewing", _("Interviewing")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted (mutual agreement)")
    REJECTED = "rejected", _("Declined by the host")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    OFFER_DECLINED = "offer_declined", _("Offer declined")


class ApplicationDeclineReason(models.TextChoices):
    CAPACITY = "capacity", _("The places are filled")
    FIT = "fit", _("The project and your wishes do not match")
    SCHEDULE = "schedule", _("The schedules do not match")
    PRE_ASSIGNMENT = "pre_assignment", _("The pre-assignment was not submitted")
    OTHER = "other", _("Other")
    # Set only when the whole project is cancelled (coordinators.services); application_reject
    # refuses it for a project that is not, so it is not one to pick by hand.
    PROJECT_CANCELLED = "project_cancelled", _("The project was cancelled")


class Application(models.Model):
    """A student's entry (エントリー) to a published project."""

    Status = ApplicationStatus

    ACTIVE_STATES = frozenset(
        {Status.SUBMITTED, Status.SCREENING, Status.INTERVIEWING, Status.OFFERED}
    )
    TRANSITIONS = Transitions(
        {
            Status.SUBMITTED: {
                Status.SCREENING,
                Status.INTERVIEWING,
                Status.REJECTED,
                Status.WITHDRAWN,
            },
            Status.SCREENING: {
                Status.INTERVIEWING,
                Status.OFFERED,
                Status.REJECTED,
                Status.WITHDRAWN,
            },
            Status.INTERVIEWING: {Status.OFFERED, Status.REJECTED, Status.WITHDRAWN},
            # Rejected: the host side withdraws the offer (the project was cancelled, say).
            Status.OFFERED: {
                Status.ACCEPTED,
                Status.OFFER_DECLINED,
                Status.WITHDRAWN,
                Status.REJECTED,
            },
        }
    )

    DeclineReason = ApplicationDeclineReason
    # The reasons a host or coordinator picks from when declining one entry.
    CHOSEN_DECLINE_REASONS = [
        (value, label)
        for value, label in ApplicationDeclineReason.choices
        if value != ApplicationDeclineReason.PROJECT_CANCELLED
    ]

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="applications"
    )
    motivation = models.TextField(_("motivation"))
    pre_assignment_answer = models.TextField(_("pre-assignment answer"), blank=True)
    pre_assignment_submitted_at = models.DateTimeField(
        _("pre-assignment submitted at"), null=True, blank=True
    )
    profile_shared_at = models.DateTimeField(_("consent to share the profile given at"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    decline_reason = models.CharField(
        _("reason"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_message = models.TextField(_("message to the student"), blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declined by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when the retention job removed the person's texts and files from a closed entry.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["project", "status", "-created_at"]),
            models.Index(fields=["student", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
            # The admin's changelist of entries sorts the whole table by this.
            models.Index(fields=["-created_at", "-id"], name="application_newest_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "project"], name="application_one_per_student_and_project"
            ),
            status_check("status", ApplicationStatus, "application_status_valid"),
            models.CheckConstraint(
                condition=Q(decline_reason="")
                | Q(decline_reason__in=ApplicationDeclineReason.values),
                name="application_decline_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.project}"

    def can_transition_to(self, target: str) -> bool:
        return self.TRANSITIONS.allows(self.status, target)


class ApplicationStatusChange(StatusChange):
    application = models.ForeignKey(
        Application,
        verbose_name=_("entry"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )

    @property
    def to_label(self) -> str:
        return (
            ApplicationStatus(self.to_status).label
            if self.to_status in ApplicationStatus.values
            else self.to_status
        )

    class Meta(StatusChange.Meta):
        verbose_name = _("entry status change")
        verbose_name_plural = _("entry status changes")
        indexes = [
            models.Index(fields=["to_status", "created_at"]),
            # The funnel's "first move to X" and "ever reached X" of each entry: one index probe.
            models.Index(
                fields=["application", "to_status", "created_at"],
                name="appstatuschange_first_idx",
            ),
        ]


def application_file_path(instance: "ApplicationFile", filename: str) -> str:
    # The stored name is ours; the student's name is kept only as a label.
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}"


class ApplicationFile(models.Model):
    """A file handed in with the pre-assignment; private, served only through a checked view."""

    application = models.ForeignKey(
        Application, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=application_file_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pre-assignment file")
        verbose_name_plural = _("pre-assignment files")
        ordering = ["uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gt=0) & Q(size__lte=10 * 1024 * 1024),
                name="applicationfile_size_limit",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class ApplicationFileDownload(models.Model):
    """Someone other than the student downloaded one of their files (the student sees who)."""

    file = models.ForeignKey(
        ApplicationFile,
        verbose_name=_("file"),
        on_delete=models.CASCADE,
        related_name="downloads",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("downloaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    downloaded_at = models.DateTimeField(_("downloaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("file download")
        verbose_name_plural = _("file downloads")
        ordering = ["-downloaded_at"]

    def __str__(self) -> str:
        return f"{self.file} ← {self.user}"


class InterviewStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


class InterviewMode(models.TextChoices):
    ONLINE = "online", _("Online")
    ONSITE = "onsite", _("On site")
    PHONE = "phone", _("Phone")


class Interview(models.Model):
    """An interview (面談) of a round, proposed as slots or set directly."""

    Status = InterviewStatus

    TRANSITIONS = Transitions(
        {
            Status.PROPOSED: {Status.SCHEDULED, Status.CANCELLED},
            Status.SCHEDULED: {
                Status.PROPOSED,
                Status.COMPLETED,
                Status.CANCELLED,
                Status.NO_SHOW,
            },
        }
    )

    Mode = InterviewMode

    application = models.ForeignKey(
        Application, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="interviews"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices, default=Mode.ONLINE)
    meeting_url = models.URLField(_("meeting URL"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("interviewers"),
        blank=True,
        related_name="interviews_as_interviewer",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    # Calendar invitations keep one UID; SEQUENCE grows with each change.
    calendar_uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["application", "round"]),
        ]
        constraints = [
            status_check("status", InterviewStatus, "interview_status_valid"),
            status_check("mode", InterviewMode, "interview_mode_valid"),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="interview_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(starts_at__isnull=False),
                name="interview_scheduled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} #{self.round}"

    def can_transition_to(self, target: str) -> bool:
        return self.TRANSITIONS.allows(self.status, target)


class InterviewStatusChange(StatusChange):
    interview = models.ForeignKey(
        Interview,
        verbose_name=_("interview"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )

    class Meta(StatusChange.Meta):
        verbose_name = _("interview status change")
        verbose_name_plural = _("interview status changes")


class InterviewSlot(models.Model):
    """A time offered for an interview; the student picks one."""

    interview = models.ForeignKey(
        Interview, verbose_name=_("interview"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    chosen = models.BooleanField(_("chosen"), default=False)

    class Meta:
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="interviewslot_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["interview"],
                condition=Q(chosen=True),
                name="interviewslot_one_chosen_per_interview",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class InterviewFeedbackRecommendation(models.TextChoices):
    STRONG_YES = "strong_yes", _("Strongly recommend")
    YES = "yes", _("Recommend")
    NO = "no", _("Do not recommend")
    STRONG_NO = "strong_no", _("Strongly against")


class InterviewFeedback(models.Model):
    """One interviewer's notes and recommendation after an interview."""

    Recommendation = InterviewFeedbackRecommendation

    interview = models.ForeignKey(
        Interview, verbose_name=_("interview"), on_delete=models.CASCADE, related_name="feedback"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("interviewer"),
        on_delete=models.CASCADE,
        related_name="interview_feedback",
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("interview feedback")
        verbose_name_plural = _("interview feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "author"], name="interviewfeedback_one_per_interviewer"
            ),
            status_check(
                "recommendation", InterviewFeedbackRecommendation, "interviewfeedback_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.get_recommendation_display()}"


class PlacementStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")


class Placement(models.Model):
    """The internship that a mutual agreement (双方合意) starts."""

    Status = PlacementStatus

    TRANSITIONS = Transitions(
        {
            Status.PREPARING: {Status.ACTIVE, Status.ENDED_EARLY},
            Status.ACTIVE: {Status.COMPLETED, Status.ENDED_EARLY},
        }
    )

    application = models.OneToOneField(
        Application, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="placement"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PREPARING
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    ended_reason = models.TextField(_("why it ended early"), blank=True)
    created_at = models.DateTimeField(_("agreed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"])]
        constraints = [
            status_check("status", PlacementStatus, "placement_status_valid"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gt=F("starts_on")),
                name="placement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return str(self.application)

    def can_transition_to(self, target: str) -> bool:
        return self.TRANSITIONS.allows(self.status, target)


class PlacementStatusChange(StatusChange):
    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placement"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )

    class Meta(StatusChange.Meta):
        verbose_name = _("placement status change")
        verbose_name_plural = _("placement status changes")
