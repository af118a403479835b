"""`manage.py seed_demo`: the whole flow as demo data, built through the services; safe to rerun."""

import logging
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as clock

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.services import INVITATION_DAYS, invitation_accept, invitation_token
from applicants import services as applicant_services
from applicants.models import (
    Application,
    Interview,
    InterviewFeedback,
    InterviewSlot,
    Placement,
    StudentProfile,
)
from coordinators import demo_data as data
from coordinators.models import (
    CoordinatorProfile,
    Orientation,
    ReviewPlan,
    ReviewSession,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from coordinators.services import coordinator_appoint
from notifications.models import Notification
from programs import services as program_services
from programs.models import Inquiry, PamphletRequest, Program, Region, Term
from projects import services as project_services
from projects.models import (
    HostMembership,
    HostOrganization,
    IntakeInterview,
    Project,
    ProjectVersion,
    Theme,
)

# Mail is queued by the services and sent on commit; in the embedded default that would
# print every message to the console, so the seeding sends to nowhere.
QUIET_MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}

# Eager Celery logs each delivered mail at INFO; a failure still shows (ERROR).
QUIET_LOGGERS = ("celery.app.trace",)

# Rows counted before and after, to say what a run added (a second run adds nothing).
COUNTED = (
    User,
    Region,
    Program,
    Term,
    Theme,
    CoordinatorProfile,
    PamphletRequest,
    Inquiry,
    IntakeInterview,
    HostOrganization,
    HostMembership,
    Invitation,
    Project,
    ProjectVersion,
    StudentProfile,
    Application,
    Interview,
    InterviewSlot,
    InterviewFeedback,
    Placement,
    Orientation,
    ReviewPlan,
    ReviewSession,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    Notification,
    EmailAddress,
)

# The services a project walks through to reach each status (as in tests/flow.py).
PROJECT_PATH = {
    Project.Status.DRAFT: (),
    Project.Status.SUBMITTED: ("submit",),
    Project.Status.CHANGES_REQUESTED: ("submit", "request_changes"),
    Project.Status.APPROVED: ("submit", "approve"),
    Project.Status.PUBLISHED: ("submit", "approve", "publish"),
    Project.Status.CLOSED: ("submit", "approve", "publish", "close"),
    Project.Status.IN_PROGRESS: ("submit", "approve", "publish", "close", "start"),
    Project.Status.COMPLETED: ("submit", "approve", "publish", "close", "start", "complete"),
    Project.Status.CANCELLED: ("submit", "cancel"),
}
TAKES_ENTRIES = {"publish"}
APPLICATION_PATH = {
    Application.Status.SUBMITTED: (),
    Application.Status.SCREENING: ("screen",),
    Application.Status.INTERVIEWING: ("screen", "invite"),
    Application.Status.OFFERED: ("screen", "invite", "offer"),
    Application.Status.ACCEPTED: ("screen", "invite", "offer", "accept"),
    Application.Status.REJECTED: ("screen", "reject"),
    Application.Status.WITHDRAWN: ("withdraw",),
    Application.Status.OFFER_DECLINED: ("screen", "invite", "offer", "decline_offer"),
}
CONTENT_FIELDS = (
    "summary",
    "vision",
    "challenge",
    "intern_role",
    "outcomes",
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
    "pre_assignment_brief",
)
STEP = timedelta(days=2)


class Seeder:
    """Builds the demo one natural key at a time; anything that already exists is kept."""

    def __init__(self, *, now: datetime):
        self.now = now
        self.today = timezone.localdate(now)
        self._password: str | None = None
        self.regions: dict[str, Region] = {}
        self.terms: dict[str, Term] = {}
        self.themes: dict[str, Theme] = {}
        self.coordinators: dict[str, list[User]] = {}
        self.hosts: dict[str, HostOrganization] = {}
        self.owners: dict[str, User] = {}
        self.students: dict[str, User] = {}
        self.surveys: dict[str, Survey] = {}
        self.staff: User | None = None

    # Time -------------------------------------------------------------------------------

    def when(self, value) -> datetime | None:
        """A datetime from a table value: absolute, a date (10:00), or relative to today."""
        if value is None or isinstance(value, datetime):
            return value
        if isinstance(value, data.Rel):
            day = self.today + timedelta(days=value.days)
            return datetime.combine(day, clock(value.hour, value.minute), tzinfo=data.JST)
        return datetime.combine(value, clock(10), tzinfo=data.JST)

    def day(self, value) -> date:
        if isinstance(value, data.Rel):
            return self.today + timedelta(days=value.days)
        return value

    def backdate(self, obj: models.Model, **fields) -> None:
        """Give a row the dates it had in the story (audit and timestamps are written "now")."""
        fields = {k: min(v, self.now) for k, v in fields.items() if v is not None}
        if fields:
            type(obj)._default_manager.filter(pk=obj.pk).update(**fields)

    def stamp(self, obj: models.Model, moment: datetime | None) -> None:
        """Date the newest status-change row of `obj`."""
        if moment is None:
            return
        row = obj.status_changes.order_by("-id").first()
        self.backdate(row, created_at=moment)

    # People -----------------------------------------------------------------------------

    def user(self, spec: dict, *, is_staff: bool = False, is_superuser: bool = False) -> User:
        user = User.objects.filter(email=spec["email"]).first()
        if user is not None:
            return user
        if self._password is None:
            # One hash for every demo account: hashing each one would cost seconds.
            self._password = make_password(data.PASSWORD)
        user = User.objects.create(
            email=spec["email"],
            password=self._password,
            name=spec["name"],
            name_kana=spec["name_kana"],
            preferred_language=spec.get("language", "ja"),
            is_staff=is_staff,
            is_superuser=is_superuser,
        )
        # A verified address, so the demo logins work whatever the verification setting.
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        return user

    def coordinator(self, region: Region, index: int = 0) -> User:
        return self.coordinators[region.slug][index]

    # Regions, programme, coordinators -----------------------------------------------------

    def seed_structure(self) -> None:
        for position, spec in enumerate(data.REGIONS):
            region, _ = Region.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "name_en": spec["name_en"],
                    "description": spec["description"],
                    "description_en": spec["description_en"],
                    "position": position,
                },
            )
            if not region.description_en:
                # A region seeded before it had an English description gets the demo's.
                region.description_en = spec["description_en"]
                region.save(update_fields=["description_en"])
            self.regions[region.slug] = region
        program, _ = Program.objects.get_or_create(
            slug=data.PROGRAM["slug"],
            defaults={"name": data.PROGRAM["name"], "description": data.PROGRAM["description"]},
        )
        for spec in data.TERMS:
            fields = {k: v for k, v in spec.items() if k not in ("key", "season", "year")}
            term, _ = Term.objects.get_or_create(
                program=program, season=spec["season"], year=spec["year"], defaults=fields
            )
            self.terms[spec["key"]] = term
        for slug, name, name_en in data.THEMES:
            theme, _ = Theme.objects.get_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en}
            )
            self.themes[slug] = theme
        self.staff = self.user(data.STAFF, is_staff=True, is_superuser=True)
        for spec in data.COORDINATORS:
            user = self.user(spec, is_staff=True)
            region = self.regions[spec["region"]]
            coordinator_appoint(
                user=user,
                region=region,
                title=spec["title"],
                organization=spec["organization"],
                phone=spec["phone"],
                bio=spec["bio"],
            )
            self.coordinators.setdefault(region.slug, []).append(user)

    def seed_surveys(self) -> None:
        for spec in data.SURVEYS:
            survey, _ = Survey.objects.get_or_create(
                title=spec["title"],
                defaults={"audience": spec["audience"], "introduction": spec["introduction"]},
            )
            for position, question in enumerate(spec["questions"], start=1):
                SurveyQuestion.objects.get_or_create(
                    survey=survey,
                    position=position,
                    defaults={
                        "kind": question["kind"],
                        "text": question["text"],
                        "choices": list(question.get("choices", [])),
                        "required": question.get("required", True),
                    },
                )
            self.surveys[spec["key"]] = survey

    # Steps 1–3: leads, inquiries, intakes, hosts ----------------------------------------

    def lead(self, spec: dict) -> PamphletRequest:
        lead = PamphletRequest.objects.filter(
            email=spec["email"], organization_name=spec["organization_name"]
        ).first()
        if lead is not None:
            return lead
        region = self.regions[spec["region"]]
        lead = program_services.lead_create(
            organization_name=spec["organization_name"],
            organization_kind=spec["organization_kind"],
            contact_name=spec["contact_name"],
            email=spec["email"],
            phone=spec.get("phone", ""),
            region=region,
            consent=True,
        )
        moment = self.when(spec["requested"])
        self.backdate(lead, created_at=moment)
        self.stamp(lead, moment)
        s = program_services
        moves = {
            "new": (),
            "contacted": (s.lead_mark_contacted,),
            "converted": (s.lead_mark_contacted, s.lead_mark_converted),
            "closed": (s.lead_mark_contacted, s.lead_close),
        }[spec["status"]]
        actor = self.coordinator(region)
        for move, days in zip(moves, (3, 12), strict=False):
            lead = move(lead=lead, actor=actor, note=spec.get("note", ""))
            self.stamp(lead, moment + timedelta(days=days))
        if lead.contacted_at:
            self.backdate(lead, contacted_at=moment + timedelta(days=3))
        return lead

    def inquiry(self, spec: dict, lead: PamphletRequest | None = None) -> Inquiry:
        inquiry = Inquiry.objects.filter(
            email=spec["email"], organization_name=spec["organization_name"]
        ).first()
        if inquiry is not None:
            return inquiry
        region = self.regions[spec["region"]] if spec["region"] else None
        inquiry = program_services.inquiry_create(
            kind=spec["kind"],
            name=spec["name"],
            email=spec["email"],
            message=spec["message"],
            region=region,
            organization_name=spec["organization_name"],
            phone=spec.get("phone", ""),
        )
        moment = self.when(spec["received"])
        self.backdate(inquiry, created_at=moment)
        if lead is not None:
            Inquiry.objects.filter(pk=inquiry.pk).update(lead=lead)
        self.stamp(inquiry, moment)
        s = program_services
        moves = {
            "new": (),
            "answered": (s.inquiry_mark_answered,),
            "closed": (s.inquiry_mark_answered, s.inquiry_close),
        }[spec["status"]]
        actor = self.coordinator(region) if region else self.staff
        for number, move in enumerate(moves, start=1):
            inquiry = move(inquiry=inquiry, actor=actor, note=spec.get("note", ""))
            self.stamp(inquiry, moment + number * timedelta(days=1))
        if inquiry.answered_at:
            self.backdate(inquiry, answered_at=moment + timedelta(days=1))
        return inquiry

    def intake(
        self,
        spec: dict,
        *,
        inquiry: Inquiry | None = None,
        organization: HostOrganization | None = None,
    ) -> tuple[IntakeInterview, Invitation | None]:
        region = self.regions[spec["region"]]
        # With the contact: a host can come back for a second intake (with someone else).
        intake = IntakeInterview.objects.filter(
            region=region,
            organization_name=spec["organization_name"],
            contact_email=spec["contact_email"],
        ).first()
        if intake is not None:
            return intake, None
        actor = self.coordinator(region, spec["coordinator"])
        held = self.when(spec["held"])
        intake = IntakeInterview.objects.create(
            region=region,
            organization_name=spec["organization_name"],
            organization_kind=spec["organization_kind"],
            inquiry=inquiry,
            organization=organization,
            contact_name=spec["contact_name"],
            contact_email=spec["contact_email"],
            held_at=held,
            attendees=list(spec.get("attendees", [])),
            coordinator=actor,
            notes=spec["notes"],
        )
        invitation = None
        if spec["outcome"] != IntakeInterview.Outcome.PENDING:
            intake, invitation = project_services.intake_record_outcome(
                intake=intake, outcome=spec["outcome"], actor=actor
            )
            self.backdate(intake, decided_at=held + timedelta(days=2))
            self.stamp(intake, held + timedelta(days=2))
        return intake, invitation

    def seed_pipeline(self) -> None:
        for spec in data.LEADS:
            self.lead(spec)
        for spec in data.INQUIRIES:
            self.inquiry(spec)
        for spec in data.INTAKES:
            if "host" in spec:
                continue  # a host's later intake: seeded with the host (seed_returning_hosts)
            inquiry = None
            if spec.get("inquiry_email"):
                inquiry = Inquiry.objects.filter(email=spec["inquiry_email"]).first()
            self.intake(spec, inquiry=inquiry)

    def host(self, spec: dict) -> HostOrganization:
        region = self.regions[spec["region"]]
        owner_spec = spec["members"][0]
        organization = HostOrganization.objects.filter(region=region, name=spec["name"]).first()
        if organization is None:
            organization = self._new_host(spec, region, owner_spec)
        for member in spec["members"]:
            user = self.user(member)
            project_services.host_membership_add(
                organization=organization, user=user, role=member["role"], title=member["title"]
            )
        self.hosts[spec["key"]] = organization
        self.owners[spec["key"]] = self.user(owner_spec)
        return organization

    def _new_host(self, spec: dict, region: Region, owner_spec: dict) -> HostOrganization:
        """Steps 1–3 for a host: its lead and inquiry if any, then an intake that proceeds."""
        contact = {
            "region": spec["region"],
            "organization_name": spec["name"],
            "organization_kind": spec["kind"],
            "contact_name": owner_spec["name"],
            "email": owner_spec["email"],
        }
        lead = self.lead({**contact, **spec["lead"]}) if "lead" in spec else None
        inquiry = None
        if "inquiry" in spec:
            inquiry = self.inquiry({**contact, "name": owner_spec["name"], **spec["inquiry"]}, lead)
        intake, invitation = self.intake(
            {
                **contact,
                **spec["intake"],
                "contact_email": owner_spec["email"],
                "attendees": [{"name": m["name"], "title": m["title"]} for m in spec["members"]],
                "outcome": IntakeInterview.Outcome.PROCEED,
            },
            inquiry=inquiry,
        )
        organization = intake.organization
        organization.name_kana = spec["name_kana"]
        organization.industry = spec["industry"]
        organization.size = spec["size"]
        organization.address = spec["address"]
        organization.description = spec["description"]
        organization.lead = lead
        organization.save()
        self.backdate(organization, created_at=intake.held_at + timedelta(days=2))
        owner = self.user(owner_spec)
        if invitation is not None:
            invitation_accept(token=invitation_token(invitation), user=owner)
            sent = min(intake.held_at + timedelta(days=2), self.now)
            Invitation.objects.filter(pk=invitation.pk).update(
                created_at=sent,
                expires_at=sent + timedelta(days=INVITATION_DAYS),
                accepted_at=min(sent + timedelta(days=1), self.now),
            )
        return organization

    def student(self, spec: dict) -> User:
        user = self.user(spec)
        StudentProfile.objects.get_or_create(user=user, defaults=dict(spec["profile"]))
        self.students[spec["key"]] = user
        return user

    # Steps 4–5: projects ------------------------------------------------------------------

    def project(self, spec: dict) -> Project:
        organization = self.hosts[spec["host"]]
        project = Project.objects.filter(organization=organization, title=spec["title"]).first()
        if project is None:
            project = self._walk_project(spec, organization)
        if spec.get("follow_up") and not project.follow_ups.exists():
            self._follow_up(project, spec)
        return project

    def _walk_project(self, spec: dict, organization: HostOrganization) -> Project:
        owner = self.owners[spec["host"]]
        coordinator = self.coordinator(organization.region)
        historical = spec.get("historical", False)
        timeline = {k: self.when(v) for k, v in spec.get("timeline", {}).items()}
        deadline = self.when(spec.get("entry_deadline"))
        if deadline is not None and not historical and deadline < self.now + timedelta(days=7):
            # Published projects must stay open whenever the demo is seeded.
            deadline = datetime.combine(
                self.today + timedelta(days=30), clock(23, 59), tzinfo=data.JST
            )
        fields = {k: spec[k] for k in CONTENT_FIELDS if k in spec}
        project = project_services.project_create(
            organization=organization,
            actor=owner,
            title=spec["title"],
            term=self.terms[spec["term"]],
            themes=[self.themes[slug] for slug in spec["themes"]],
            # An entry needs an open project, so a past project gets its deadline afterwards.
            entry_deadline=None if historical else deadline,
            pre_assignment_deadline=None if historical else deadline,
            **fields,
        )
        if "published" in spec:
            published = self.when(spec["published"])
            timeline.setdefault("publish", published)
            timeline.setdefault("approve", published - timedelta(days=3))
            timeline.setdefault("submit", published - timedelta(days=10))
            timeline.setdefault("created", published - timedelta(days=14))
        if "closed" in spec:
            timeline.setdefault("close", self.when(spec["closed"]))
        self.backdate(project, created_at=timeline.get("created"))
        self.stamp(project, timeline.get("created"))
        s = project_services
        steps = {
            "submit": lambda p: s.project_submit(project=p, actor=owner),
            "request_changes": lambda p: s.project_request_changes(
                project=p, actor=coordinator, comment=spec["changes_comment"]
            ),
            "approve": lambda p: s.project_approve(project=p, actor=coordinator),
            "publish": lambda p: s.project_publish(project=p, actor=coordinator),
            "close": lambda p: s.project_close(project=p, actor=coordinator),
            "start": lambda p: s.project_start(project=p, actor=coordinator),
            "complete": lambda p: s.project_complete(project=p, actor=coordinator),
            "cancel": lambda p: s.project_cancel(
                project=p, actor=owner, reason=spec["cancel_reason"]
            ),
        }
        entries = [a for a in data.APPLICATIONS if a["project"] == spec["key"]]
        placements: list[tuple[Placement, dict]] = []
        for step in PROJECT_PATH[spec["status"]]:
            if step == "start":
                project = steps[step](project)
                self.stamp(project, timeline.get(step))
                for placement, placement_spec in placements:
                    if placement_spec["status"] != Placement.Status.PREPARING:
                        self.run_placement(placement, placement_spec, project)
                continue
            if step == "complete":
                for placement, placement_spec in placements:
                    self.finish_placement(placement, placement_spec, project, owner)
            project = steps[step](project)
            self.stamp(project, timeline.get(step))
            if step == "submit":
                version = project.versions.order_by("-number").first()
                self.backdate(version, created_at=timeline.get(step))
            if step in TAKES_ENTRIES:
                for entry in entries:
                    placement = self.application(entry, project, owner)
                    if placement is not None:
                        placements.append((placement, entry["placement"]))
        if spec["status"] == Project.Status.CLOSED:
            for placement, placement_spec in placements:
                self.orientation(placement, placement_spec.get("orientation"), project)
        self.backdate(
            project,
            published_at=timeline.get("publish"),
            closed_at=timeline.get("close"),
        )
        if historical:
            Project.objects.filter(pk=project.pk).update(
                entry_deadline=deadline, pre_assignment_deadline=deadline
            )
        project.refresh_from_db()
        return project

    def _follow_up(self, source: Project, spec: dict) -> Project:
        """Steps 4–8 repeat: the host starts its next project from the finished one."""
        overrides = dict(spec["follow_up"])
        project = project_services.project_copy(source=source, actor=self.owners[spec["host"]])
        project.term = self.terms[overrides.pop("term")]
        for field, value in overrides.items():
            setattr(project, field, value)
        project.save()
        return project

    # Step 6: entries and interviews --------------------------------------------------------

    def application(self, spec: dict, project: Project, host: User) -> Placement | None:
        """Walk one entry to its status; returns the placement an acceptance creates."""
        s = applicant_services
        student = self.students[spec["student"]]
        applied = self.when(spec["applied"])
        answer = spec.get("answer", "") if project.pre_assignment_brief else ""
        application = s.application_submit(
            student=student,
            project=project,
            motivation=spec["motivation"],
            answer=answer,
            consent=True,
        )
        self.backdate(
            application,
            created_at=applied,
            profile_shared_at=applied,
            pre_assignment_submitted_at=applied if answer else None,
        )
        self.stamp(application, applied)
        dates = {k: self.when(v) for k, v in spec.get("dates", {}).items()}
        moment = applied
        placement = None
        for step in spec.get("path") or APPLICATION_PATH[spec["status"]]:
            moment = dates.get(step) or moment + STEP
            if step == "screen":
                application = s.application_screen(application=application, actor=host)
            elif step == "invite":
                application = s.application_invite_to_interview(application=application, actor=host)
            elif step == "offer":
                application = s.application_offer(application=application, actor=host)
            elif step == "accept":
                placement = s.application_accept(application=application, actor=student)
                application = placement.application
                self.backdate(placement, created_at=moment)
                self.stamp(placement, moment)
            elif step == "reject":
                application = s.application_reject(
                    application=application,
                    actor=host,
                    reason=spec["reject"]["reason"],
                    message=spec["reject"]["message"],
                )
            elif step == "withdraw":
                application = s.application_withdraw(
                    application=application, actor=student, reason=spec["withdraw_reason"]
                )
            elif step == "decline_offer":
                application = s.application_decline_offer(
                    application=application, actor=student, reason=spec["decline_reason"]
                )
            self.stamp(application, moment)
            if step == "invite":
                for interview_spec in spec.get("interviews", ()):
                    held = self.interview(application, interview_spec, host, moment)
                    moment = max(moment, held)
        return placement

    def interview(
        self, application: Application, spec: dict, host: User, invited_at: datetime
    ) -> datetime:
        """Propose slots and move the interview on; returns when it (last) happened."""
        s = applicant_services
        coordinator = self.coordinator(application.project.region)
        length = timedelta(hours=1)
        slots = [(self.when(v), self.when(v) + length) for v in spec["slots"]]
        interview = s.interview_propose(
            application=application,
            actor=host,
            slots=slots,
            mode=spec["mode"],
            meeting_url=spec.get("meeting_url", ""),
            place=spec.get("place", ""),
            interviewers=[host, coordinator],
        )
        proposed = min(invited_at + timedelta(days=1), slots[0][0] - timedelta(days=2))
        self.backdate(interview, created_at=proposed)
        self.stamp(interview, proposed)
        status = spec["status"]
        if status == Interview.Status.PROPOSED:
            return proposed
        if status == Interview.Status.CANCELLED:
            actor = application.student if spec.get("cancelled_by") == "student" else host
            interview = s.interview_cancel(interview=interview, actor=actor, reason=spec["reason"])
            cancelled = self.when(spec.get("cancelled")) or proposed + timedelta(days=1)
            self.stamp(interview, cancelled)
            return cancelled
        slot = interview.slots.order_by("starts_at")[spec.get("pick", 0)]
        interview = s.interview_schedule(interview=interview, actor=application.student, slot=slot)
        self.stamp(interview, proposed + timedelta(days=1))
        if status == Interview.Status.COMPLETED:
            interview = s.interview_complete(interview=interview, actor=host)
        elif status == Interview.Status.NO_SHOW:
            interview = s.interview_mark_no_show(interview=interview, actor=host)
        if status != Interview.Status.SCHEDULED:
            self.stamp(interview, slot.ends_at)
        authors = {"host": host, "coordinator": coordinator}
        for author, recommendation, notes in spec.get("feedback", ()):
            feedback = InterviewFeedback.objects.create(
                interview=interview,
                author=authors[author],
                recommendation=recommendation,
                notes=notes,
            )
            self.backdate(feedback, created_at=slot.ends_at + timedelta(hours=1))
        return slot.ends_at

    # Steps 7–8: placements, orientation, reviews, surveys --------------------------------

    def orientation(self, placement: Placement, spec: dict | None, project: Project) -> None:
        if spec is None:
            return
        starts = self.when(spec["starts_at"])
        held = spec.get("held", False)
        Orientation.objects.create(
            placement=placement,
            starts_at=starts,
            ends_at=starts + timedelta(hours=spec.get("hours", 2)),
            place=spec.get("place", ""),
            meeting_url=spec.get("meeting_url", ""),
            student_goals=spec.get("student_goals", ""),
            host_goals=spec.get("host_goals", ""),
            coordinator_goals=spec.get("coordinator_goals", ""),
            student_attended=held,
            host_attended=held,
            coordinator_attended=held,
            held_at=starts if held else None,
            coordinator=self.coordinator(project.region),
        )

    def run_placement(self, placement: Placement, spec: dict, project: Project) -> None:
        """Step 7: the start orientation is held and the internship runs; reviews follow."""
        coordinator = self.coordinator(project.region)
        self.orientation(placement, spec.get("orientation"), project)
        placement = applicant_services.placement_activate(placement=placement, actor=coordinator)
        self.stamp(placement, self.when(spec["orientation"]["starts_at"]) + timedelta(hours=2))
        if "review_plan" in spec:
            ReviewPlan.objects.create(placement=placement, **spec["review_plan"])
        for review in spec.get("reviews", ()):
            ReviewSession.objects.create(
                placement=placement,
                kind=review["kind"],
                due_on=self.day(review["due_on"]),
                held_at=self.when(review.get("held")),
                student_notes=review.get("student_notes", ""),
                host_notes=review.get("host_notes", ""),
                coordinator_notes=review.get("coordinator_notes", ""),
                progress=review.get("progress", ""),
                health=review.get("health", ""),
                next_actions=review.get("next_actions", ""),
            )
        if spec["status"] == Placement.Status.ENDED_EARLY:
            placement = applicant_services.placement_end_early(
                placement=placement, actor=coordinator, reason=spec["end_reason"]
            )
            self.stamp(placement, self.when(spec["ended"]))

    def finish_placement(
        self, placement: Placement, spec: dict, project: Project, host: User
    ) -> None:
        """Step 8's end: the placement completes and both sides answer their surveys."""
        if spec["status"] != Placement.Status.COMPLETED:
            return
        placement = applicant_services.placement_complete(
            placement=placement, actor=self.coordinator(project.region)
        )
        ended = datetime.combine(project.ends_on, clock(17), tzinfo=data.JST)
        self.stamp(placement, ended)
        respondents = {"student": placement.application.student, "host": host}
        for answer_spec in spec.get("surveys", ()):
            survey = self.surveys[answer_spec["survey"]]
            questions = list(survey.questions.order_by("position"))
            answers = {
                str(q.pk): value for q, value in zip(questions, answer_spec["answers"], strict=True)
            }
            response, _ = SurveyResponse.objects.get_or_create(
                survey=survey,
                placement=placement,
                respondent=respondents[answer_spec["respondent"]],
                defaults={
                    "region": project.region,
                    "term": project.term,
                    "answers": answers,
                    "submitted_at": self.when(answer_spec["submitted"]),
                },
            )
            self.backdate(response, created_at=ended)

    # The whole demo -----------------------------------------------------------------------

    def run(self) -> None:
        self.seed_structure()
        self.seed_surveys()
        self.seed_pipeline()
        for spec in data.HOSTS:
            self.host(spec)
        for spec in data.STUDENTS:
            self.student(spec)
        for spec in data.PROJECTS:
            self.project(spec)
        self.seed_returning_hosts()

    def seed_returning_hosts(self) -> None:
        """Hosts back at step 3: a new intake after their projects (e.g. a cancelled one)."""
        for spec in data.INTAKES:
            if "host" in spec:
                self.intake(spec, organization=self.hosts[spec["host"]])


@contextmanager
def quiet_mail():
    """Send the seeding's mail to nowhere and keep the task log to warnings."""
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        with override_settings(MAILERS=QUIET_MAILERS):
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def row_count() -> int:
    return sum(model._default_manager.count() for model in COUNTED)


class Command(BaseCommand):
    help = (
        "Seed demo data for the whole flow (regions, hosts, projects, entries, placements) "
        "through the services. Running it again changes nothing."
    )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        before = row_count()
        with quiet_mail(), transaction.atomic():
            Seeder(now=timezone.now()).run()
            # Leaving the block runs the on-commit mail tasks, still with the quiet mailer.
        added = row_count() - before
        elapsed = time.monotonic() - started
        if added:
            message = f"デモデータを用意しました（{added} 行を追加、{elapsed:.1f} 秒）。"
        else:
            message = f"デモデータはすでにそろっています（追加なし、{elapsed:.1f} 秒）。"
        self.stdout.write(self.style.SUCCESS(message))
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"ログイン（パスワードは共通: {data.PASSWORD}）")
        )
        for label, email in data.DEMO_LOGINS:
            self.stdout.write(f"  {label}")
            self.stdout.write(f"    {self.style.SQL_FIELD(email)} / {data.PASSWORD}")
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("URL"))
        self.stdout.write(f"  サイト    {self.style.HTTP_INFO('http://127.0.0.1:8000/')}")
        self.stdout.write(f"  管理画面  {self.style.HTTP_INFO('http://127.0.0.1:8000/admin/')}")
