"""Coordinators, the start orientation (step 7), reviews (step 8) and surveys."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.workflow import status_check
from applicants.models import Placement
from programs.models import Region, Term


class CoordinatorProfile(models.Model):
    """A regional coordinator (地域コーディネーター); the regions they run, and whether the
    public pages name them there, are programs.RegionCoordinator rows."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="coordinator_profile",
    )
    title = models.CharField(_("job title"), max_length=100, blank=True)
    organization = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    bio = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("coordinator profile")
        verbose_name_plural = _("coordinator profiles")

    def __str__(self) -> str:
        return str(self.user)


class Orientation(models.Model):
    """Step 7: the start orientation where host, student and coordinator state their goals."""

    placement = models.OneToOneField(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="orientation"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    meeting_url = models.URLField(_("meeting URL"), blank=True)
    student_goals = models.TextField(_("the student's goals"), blank=True)
    host_goals = models.TextField(_("the host's goals"), blank=True)
    coordinator_goals = models.TextField(_("the coordinator's goals"), blank=True)
    student_attended = models.BooleanField(_("student attended"), default=False)
    host_attended = models.BooleanField(_("host attended"), default=False)
    coordinator_attended = models.BooleanField(_("coordinator attended"), default=False)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    calendar_uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="orientations",
    )

    class Meta:
        verbose_name = _("start orientation")
        verbose_name_plural = _("start orientations")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="orientation_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.placement} ({timezone.localtime(self.starts_at):%Y-%m-%d})"


class ReviewPlanCadence(models.IntegerChoices):
    BIWEEKLY = 2, _("Every 2 weeks")
    FOUR_WEEKLY = 4, _("Every 4 weeks")


class ReviewPlan(models.Model):
    """How often a placement's reviews take place."""

    Cadence = ReviewPlanCadence

    placement = models.OneToOneField(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="review_plan"
    )
    every_weeks = models.PositiveSmallIntegerField(
        _("cadence"), choices=Cadence.choices, default=Cadence.FOUR_WEEKLY
    )
    midterm_on = models.DateField(_("midterm review on"), null=True, blank=True)
    final_on = models.DateField(_("final review on"), null=True, blank=True)

    class Meta:
        verbose_name = _("review plan")
        verbose_name_plural = _("review plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(every_weeks__in=[2, 4]), name="reviewplan_cadence_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.placement}: {self.get_every_weeks_display()}"


class ReviewSessionKind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    MIDTERM = "midterm", _("Midterm")
    FINAL = "final", _("Final")


class ReviewSessionHealth(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


class ReviewSession(models.Model):
    """Step 8: a review dialogue (振り返り) between student, host and coordinator."""

    Kind = ReviewSessionKind

    Health = ReviewSessionHealth

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="reviews"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    due_on = models.DateField(_("due on"))
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    student_notes = models.TextField(_("the student's notes"), blank=True)
    host_notes = models.TextField(_("the host's notes"), blank=True)
    coordinator_notes = models.TextField(_("the coordinator's notes"), blank=True)
    progress = models.TextField(_("progress against the goals"), blank=True)
    health = models.CharField(_("health"), max_length=10, choices=Health.choices, blank=True)
    next_actions = models.TextField(_("next actions"), blank=True)
    # The secret of the link that lets a host supervisor write the host's part without an
    # account (coordinators.services.review_host_link_*): the link is signed over it, so a new
    # one (reissue) or none (revoked, or never issued) ends the old link at once.
    host_token = models.UUIDField(null=True, blank=True, editable=False, unique=True)
    host_link_issued_at = models.DateTimeField(
        _("host link issued at"), null=True, blank=True, editable=False
    )
    host_link_issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host link issued by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    host_link_revoked_at = models.DateTimeField(
        _("host link revoked at"), null=True, blank=True, editable=False
    )
    host_link_revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host link revoked by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # How long a host supervisor's link works after it was issued.
    HOST_LINK_DAYS = 60

    class Meta:
        verbose_name = _("review session")
        verbose_name_plural = _("review sessions")
        ordering = ["placement", "due_on"]
        indexes = [models.Index(fields=["due_on", "held_at"])]
        constraints = [
            status_check("kind", ReviewSessionKind, "reviewsession_kind_valid"),
            models.CheckConstraint(
                condition=Q(health="") | Q(health__in=ReviewSessionHealth.values),
                name="reviewsession_health_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement}: {self.get_kind_display()} {self.due_on}"

    def is_open_for_parts(self) -> bool:
        """Whether the student and the host may still write their parts: the review is not
        held and its placement is under way (not preparing, completed or ended early)."""
        return self.held_at is None and self.placement.status == Placement.Status.ACTIVE

    @property
    def host_link_valid_until(self) -> datetime | None:
        """When the host supervisor's link stops working; None without a link."""
        if self.host_token is None or self.host_link_issued_at is None:
            return None
        return self.host_link_issued_at + timedelta(days=self.HOST_LINK_DAYS)

    def has_live_host_link(self) -> bool:
        """Whether the host supervisor's link works now: issued, not revoked, not expired."""
        until = self.host_link_valid_until
        return until is not None and timezone.now() < until


class SurveyAudience(models.TextChoices):
    STUDENT = "student", _("Students")
    HOST = "host", _("Hosts")
    COORDINATOR = "coordinator", _("Coordinators")


class Survey(models.Model):
    """A questionnaire (アンケート) for one audience, sent when a placement completes."""

    Audience = SurveyAudience

    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    introduction = models.TextField(_("introduction"), blank=True)
    is_active = models.BooleanField(_("sent automatically"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["audience", "title"]
        constraints = [status_check("audience", SurveyAudience, "survey_audience_valid")]

    def __str__(self) -> str:
        return self.title


class SurveyQuestionKind(models.TextChoices):
    RATING = "rating", _("Rating (1–5)")
    CHOICE = "choice", _("Choice")
    TEXT = "text", _("Free text")


class SurveyQuestion(models.Model):
    Kind = SurveyQuestionKind

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "position", "id"]
        constraints = [status_check("kind", SurveyQuestionKind, "surveyquestion_kind_valid")]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One person's answers to a survey about one placement."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("respondent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    # Kept so results can be grouped after a placement is gone.
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    term = models.ForeignKey(
        Term, verbose_name=_("term"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {"<question id>": 4 | "choice" | "text"}
    answers = models.JSONField(_("answers"), default=dict)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["survey", "region", "term"])]
        constraints = [
            # Once per survey, placement and person while all three exist. NULLs stay distinct
            # on purpose: they come only from SET_NULL when a person or placement is deleted,
            # and the answers kept then may repeat (two coordinators of a region who both
            # answered about one placement and both left); nulls_distinct=False would make
            # the second deletion fail (tests/test_constraints.py).
            models.UniqueConstraint(
                fields=["survey", "placement", "respondent"], name="surveyresponse_once_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} / {self.respondent}"
