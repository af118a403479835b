"""Regions and who coordinates them, programmes and terms, the pamphlet, leads and inquiries."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.workflow import StatusChange, Transitions, status_check

from .files import pamphlet_upload_to, validate_pamphlet_pdf


class OrganizationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    NPO = "npo", _("NPO")
    MUNICIPALITY = "municipality", _("Municipality")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other")


class Region(models.Model):
    """A region of the programme (札幌, 北見, ...) and the coordinators who run it."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("name in English"), max_length=50)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(
        _("description in English"),
        blank=True,
        help_text=_("Shown on the English pages; the Japanese description where empty."),
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_regions",
        through="RegionCoordinator",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def description_in(self, language: str | None) -> str:
        """The description for `language`: English where there is one, else the Japanese."""
        if (language or "").split("-")[0] == "en" and self.description_en.strip():
            return self.description_en
        return self.description

    @property
    def localized_description(self) -> str:
        """The description in the active language (for templates)."""
        return self.description_in(get_language())


class RegionCoordinator(models.Model):
    """A user who coordinates a region: they see its hosts' and students' data, so they sign in
    with two factors. Appointed through coordinators.services.coordinator_appoint."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="coordinator_roles"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.CASCADE,
        related_name="region_roles",
    )
    is_public = models.BooleanField(
        _("named on the public pages"),
        default=True,
        help_text=_("The coordinator's name on the region's page and on its projects' pages."),
    )

    class Meta:
        # The table and unique index of the many-to-many it was before it had fields.
        db_table = "programs_region_coordinators"
        unique_together = [("region", "user")]
        verbose_name = _("region coordinator")
        verbose_name_plural = _("region coordinators")

    def __str__(self) -> str:
        return f"{self.user} ({self.region})"


class Program(models.Model):
    """A programme that runs terms, e.g. the Hokkaido Challenge Community's internships."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TermSeason(models.TextChoices):
    SUMMER = "summer", _("Summer")
    SPRING = "spring", _("Spring")
    OTHER = "other", _("Other")


class Term(models.Model):
    """A cohort: the season and year it starts, its entry window and its span."""

    Season = TermSeason

    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="terms"
    )
    season = models.CharField(_("season"), max_length=10, choices=Season.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    entry_opens_on = models.DateField(_("entry opens on"))
    entry_closes_on = models.DateField(_("entry closes on"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-year", "season"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "season", "year"], name="term_unique_per_program"
            ),
            status_check("season", TermSeason, "term_season_valid"),
            models.CheckConstraint(
                condition=Q(entry_closes_on__gte=F("entry_opens_on")),
                name="term_entry_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_season_display()}"


class PamphletLanguage(models.TextChoices):
    JA = "ja", "日本語"
    EN = "en", "English"


class Pamphlet(models.Model):
    """A version of the pamphlet in one language; the newest current one is offered."""

    Language = PamphletLanguage

    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    version = models.CharField(_("version"), max_length=20)
    file = models.FileField(
        _("PDF file"),
        upload_to=pamphlet_upload_to,
        validators=[validate_pamphlet_pdf],
    )
    body = models.TextField(
        _("text to read online"),
        blank=True,
        help_text=_(
            "Shown on the pamphlet page instead of the built-in text while this is the newest "
            "current version of its language. Plain text: a blank line starts a paragraph, "
            "a line starting with “# ” is a heading, “## ” a subheading, “- ” a list item."
        ),
    )
    is_current = models.BooleanField(
        _("current"),
        default=True,
        help_text=_("Untick to withdraw this version; the newest current one is offered."),
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pamphlet")
        verbose_name_plural = _("pamphlets")
        ordering = ["language", "-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "version"], name="pamphlet_unique_language_version"
            ),
            status_check("language", PamphletLanguage, "pamphlet_language_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language} {self.version})"


class PamphletRequestStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    CONVERTED = "converted", _("Became an inquiry or host")
    CLOSED = "closed", _("Closed")


class PamphletRequest(models.Model):
    """Step 1: someone asked for the pamphlet; a lead for the region's coordinators."""

    Status = PamphletRequestStatus

    TRANSITIONS = Transitions(
        {
            Status.NEW: {Status.CONTACTED, Status.CONVERTED, Status.CLOSED},
            Status.CONTACTED: {Status.CONVERTED, Status.CLOSED},
            Status.CLOSED: {Status.CONTACTED},
        }
    )

    organization_name = models.CharField(_("organisation"), max_length=200)
    organization_kind = models.CharField(
        _("kind of organisation"), max_length=20, choices=OrganizationKind.choices
    )
    contact_name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="leads"
    )
    consent = models.BooleanField(_("consent to be contacted"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pamphlet request")
        verbose_name_plural = _("pamphlet requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region", "status", "-created_at"])]
        constraints = [
            status_check("status", PamphletRequestStatus, "pamphletrequest_status_valid"),
            status_check("organization_kind", OrganizationKind, "pamphletrequest_kind_valid"),
            models.CheckConstraint(condition=Q(consent=True), name="pamphletrequest_consent"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_name} ({self.contact_name})"

    def can_transition_to(self, target: str) -> bool:
        return self.TRANSITIONS.allows(self.status, target)


class PamphletRequestStatusChange(StatusChange):
    lead = models.ForeignKey(
        PamphletRequest,
        verbose_name=_("pamphlet request"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )

    class Meta(StatusChange.Meta):
        verbose_name = _("lead status change")
        verbose_name_plural = _("lead status changes")


class InquiryKind(models.TextChoices):
    COMPANY = "company", _("From a company")
    MUNICIPALITY = "municipality", _("From a municipality")
    GENERAL = "general", _("General question")


class InquiryStatus(models.TextChoices):
    NEW = "new", _("New")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Inquiry(models.Model):
    """Step 2: a question to the coordinators, routed to the chosen region's coordinators."""

    Kind = InquiryKind

    Status = InquiryStatus

    TRANSITIONS = Transitions(
        {
            Status.NEW: {Status.ANSWERED, Status.CLOSED},
            Status.ANSWERED: {Status.CLOSED, Status.NEW},
            Status.CLOSED: {Status.NEW},
        }
    )

    kind = models.CharField(_("kind of inquiry"), max_length=20, choices=Kind.choices)
    organization_name = models.CharField(_("organisation"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inquiries",
    )
    message = models.TextField(_("message"))
    lead = models.ForeignKey(
        PamphletRequest,
        verbose_name=_("from lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inquiries",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region", "status", "-created_at"])]
        constraints = [
            status_check("status", InquiryStatus, "inquiry_status_valid"),
            status_check("kind", InquiryKind, "inquiry_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.message[:30]}"

    def can_transition_to(self, target: str) -> bool:
        return self.TRANSITIONS.allows(self.status, target)


class InquiryStatusChange(StatusChange):
    inquiry = models.ForeignKey(
        Inquiry, verbose_name=_("inquiry"), on_delete=models.CASCADE, related_name="status_changes"
    )

    class Meta(StatusChange.Meta):
        verbose_name = _("inquiry status change")
        verbose_name_plural = _("inquiry status changes")
