"""Host organisations and their members, intake interviews (step 3) and projects (steps 4–5)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.workflow import StatusChange, Transitions, status_check
from programs.models import Inquiry, OrganizationKind, PamphletRequest, Region, Term

from .search import SEARCHED_PROJECT_FIELDS, project_search_text, search_grams


class HostOrganizationSize(models.TextChoices):
    MICRO = "1-9", _("1–9 people")
    SMALL = "10-49", _("10–49 people")
    MEDIUM = "50-299", _("50–299 people")
    LARGE = "300+", _("300 or more")


class HostOrganization(models.Model):
    """A company, NPO, municipality or school that hosts interns."""

    Size = HostOrganizationSize

    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name in kana"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="hosts"
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    lead = models.ForeignKey(
        PamphletRequest,
        verbose_name=_("from lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosts",
    )
    inquiry = models.ForeignKey(
        Inquiry,
        verbose_name=_("from inquiry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosts",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="HostMembership",
        verbose_name=_("members"),
        related_name="host_organizations",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("host organisation")
        verbose_name_plural = _("host organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["region", "name"])]
        constraints = [
            status_check("kind", OrganizationKind, "host_kind_valid"),
            models.CheckConstraint(
                condition=Q(size="") | Q(size__in=HostOrganizationSize.values),
                name="host_size_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HostMembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")


class HostMembership(models.Model):
    """A user who acts for a host organisation."""

    Role = HostMembershipRole

    organization = models.ForeignKey(
        HostOrganization,
        verbose_name=_("host organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="host_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("host membership")
        verbose_name_plural = _("host memberships")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="hostmembership_unique"),
            status_check("role", HostMembershipRole, "hostmembership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"


class IntakeInterviewOutcome(models.TextChoices):
    PENDING = "pending", _("Not decided yet")
    PROCEED = "proceed", _("Proceed")
    HOLD = "hold", _("On hold")
    DECLINE = "decline", _("Decline")


class IntakeInterview(models.Model):
    """Step 3: the coordinator's interview with the host's HR or division head."""

    Outcome = IntakeInterviewOutcome

    # "proceed" is final: it has created the host and sent its contact an invitation, which
    # must not go out twice. Undecided, on-hold and declined intakes can still be decided.
    TRANSITIONS = Transitions(
        {
            Outcome.PENDING: {Outcome.PROCEED, Outcome.HOLD, Outcome.DECLINE},
            Outcome.HOLD: {Outcome.PROCEED, Outcome.DECLINE},
            Outcome.DECLINE: {Outcome.PROCEED, Outcome.HOLD},
        }
    )

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="intakes"
    )
    organization = models.ForeignKey(
        HostOrganization,
        verbose_name=_("host organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intake_interviews",
    )
    organization_name = models.CharField(_("organisation"), max_length=200)
    organization_kind = models.CharField(
        _("kind of organisation"), max_length=20, choices=OrganizationKind.choices
    )
    inquiry = models.ForeignKey(
        Inquiry,
        verbose_name=_("from inquiry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intake_interviews",
    )
    contact_name = models.CharField(_("contact name"), max_length=100)
    contact_email = models.EmailField(_("contact email"))
    # The contact has no account yet: their invitation is written in this language.
    contact_language = models.CharField(
        _("contact's language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="ja",
        help_text=_("The language of the invitation email."),
    )
    held_at = models.DateTimeField(_("held at"))
    # [{"name": "...", "title": "..."}], the host's side of the table.
    attendees = models.JSONField(_("attendees"), default=list, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="intake_interviews",
    )
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("intake interview")
        verbose_name_plural = _("intake interviews")
        ordering = ["-held_at"]
        indexes = [models.Index(fields=["region", "outcome", "-held_at"])]
        constraints = [
            status_check("outcome", IntakeInterviewOutcome, "intake_outcome_valid"),
            status_check("organization_kind", OrganizationKind, "intake_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(contact_language__in=["ja", "en"]),
                name="intake_contact_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_name} ({self.held_at:%Y-%m-%d})"

    def can_transition_to(self, target: str) -> bool:
        return self.TRANSITIONS.allows(self.outcome, target)


class IntakeInterviewStatusChange(StatusChange):
    """One recorded decision on an intake interview: who, when, from which outcome to which."""

    status_field = "outcome"

    intake = models.ForeignKey(
        IntakeInterview,
        verbose_name=_("intake interview"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )

    class Meta(StatusChange.Meta):
        verbose_name = _("intake outcome change")
        verbose_name_plural = _("intake outcome changes")


class Theme(models.Model):
    """A theme a project works on (tourism, food, IT, ...), used to filter the index."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("name in English"), max_length=50)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Entry closed")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ProjectParticipationStyle(models.TextChoices):
    COMMUTE = "commute", _("Commute")
    RESIDENTIAL = "residential", _("Live in the region")
    REMOTE = "remote", _("Remote")
    HYBRID = "hybrid", _("Hybrid")


class Project(models.Model):
    """Steps 4–5: a project designed by a host, reviewed by a coordinator, then recruited for."""

    Status = ProjectStatus

    OPEN_STATES = frozenset(
        {
            Status.DRAFT,
            Status.SUBMITTED,
            Status.CHANGES_REQUESTED,
            Status.APPROVED,
            Status.PUBLISHED,
            Status.CLOSED,
        }
    )
    TRANSITIONS = Transitions(
        {
            Status.DRAFT: {Status.SUBMITTED, Status.CANCELLED},
            Status.SUBMITTED: {Status.CHANGES_REQUESTED, Status.APPROVED, Status.CANCELLED},
            Status.CHANGES_REQUESTED: {Status.SUBMITTED, Status.CANCELLED},
            Status.APPROVED: {Status.PUBLISHED, Status.CANCELLED},
            Status.PUBLISHED: {Status.CLOSED, Status.CANCELLED},
            Status.CLOSED: {Status.PUBLISHED, Status.IN_PROGRESS, Status.CANCELLED},
            Status.IN_PROGRESS: {Status.COMPLETED},
        }
    )

    ParticipationStyle = ProjectParticipationStyle

    organization = models.ForeignKey(
        HostOrganization,
        verbose_name=_("host organisation"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    # Copied from the organisation so the index filters on one table.
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="projects"
    )
    term = models.ForeignKey(
        Term,
        verbose_name=_("term"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    vision = models.TextField(_("the future this project builds"), blank=True)
    challenge = models.TextField(_("the challenge"), blank=True)
    intern_role = models.TextField(_("the intern's producer role"), blank=True)
    outcomes = models.TextField(_("expected outcomes"), blank=True)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), default=6)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    participation_style = models.CharField(
        _("participation style"),
        max_length=20,
        choices=ParticipationStyle.choices,
        default=ParticipationStyle.COMMUTE,
    )
    commute_days_per_week = models.PositiveSmallIntegerField(
        _("days per week on site"), null=True, blank=True
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    housing_support = models.TextField(_("housing support"), blank=True)
    travel_support = models.TextField(_("travel support"), blank=True)
    stipend = models.CharField(_("stipend"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("interns wanted"), default=1)
    pre_assignment_brief = models.TextField(_("pre-assignment (事前課題)"), blank=True)
    pre_assignment_deadline = models.DateTimeField(
        _("pre-assignment deadline"), null=True, blank=True
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="projects"
    )
    entry_deadline = models.DateTimeField(_("entry deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("entry closed at"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # What the index's keyword search reads (projects/search.py): kept by save(), and by
    # projects.signals when the organisation's names change. Grams serve 1–2-character terms.
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)
    search_grams = models.TextField(_("search grams"), blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"]),
            models.Index(fields=["region", "status"]),
            models.Index(fields=["term", "status"]),
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["entry_deadline"]),
            # The public index: only published and closed projects, newest first.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status__in=["published", "closed"]),
                name="project_public_newest_idx",
            ),
        ]
        constraints = [
            status_check("status", ProjectStatus, "project_status_valid"),
            status_check("participation_style", ProjectParticipationStyle, "project_style_valid"),
            models.CheckConstraint(
                condition=Q(duration_months__gte=1) & Q(duration_months__lte=12),
                name="project_duration_1_to_12_months",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gt=F("starts_on")),
                name="project_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="project_capacity_positive"),
            models.CheckConstraint(
                condition=Q(commute_days_per_week__isnull=True)
                | (Q(commute_days_per_week__gte=1) & Q(commute_days_per_week__lte=7)),
                name="project_commute_days_1_to_7",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # A save that names only other fields (update_fields) leaves the search text as it is.
    SEARCH_SOURCES = frozenset({*SEARCHED_PROJECT_FIELDS, "organization", "organization_id"})

    def save(self, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or self.SEARCH_SOURCES & set(update_fields):
            self.search_text = self.build_search_text()
            self.search_grams = search_grams(self.search_text)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text", "search_grams"}
        super().save(**kwargs)

    def build_search_text(self) -> str:
        if Project.organization.is_cached(self):
            names = (self.organization.name, self.organization.name_kana)
        else:
            names = (
                HostOrganization.objects.filter(pk=self.organization_id)
                .values_list("name", "name_kana")
                .first()
            ) or ("", "")
        return project_search_text(
            organization_name=names[0],
            organization_name_kana=names[1],
            **{name: getattr(self, name) for name in SEARCHED_PROJECT_FIELDS},
        )

    def can_transition_to(self, target: str) -> bool:
        return self.TRANSITIONS.allows(self.status, target)

    @property
    def is_open_for_entry(self) -> bool:
        from django.utils import timezone

        return self.status == self.Status.PUBLISHED and (
            self.entry_deadline is None or self.entry_deadline > timezone.now()
        )


class ProjectStatusChange(StatusChange):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="status_changes"
    )

    class Meta(StatusChange.Meta):
        verbose_name = _("project status change")
        verbose_name_plural = _("project status changes")
        indexes = [models.Index(fields=["to_status", "created_at"])]


class ProjectVersion(models.Model):
    """A snapshot of a project as it was submitted for review; versions can be compared."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("content"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project version")
        verbose_name_plural = _("project versions")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="projectversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project} v{self.number}"
