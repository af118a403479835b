"""Build rows in a given state by walking the services, as a real user would."""

import datetime as dt

from django.utils import timezone

from applicants import services as applicant_services
from applicants.models import Application, Interview, Placement
from projects import services as project_services
from projects.models import Project

from .factories import CoordinatorFactory, HostMemberFactory, ProjectFactory, StudentFactory

PROJECT_PATH = {
    Project.Status.DRAFT: [],
    Project.Status.SUBMITTED: ["submit"],
    Project.Status.CHANGES_REQUESTED: ["submit", "request_changes"],
    Project.Status.APPROVED: ["submit", "approve"],
    Project.Status.PUBLISHED: ["submit", "approve", "publish"],
    Project.Status.CLOSED: ["submit", "approve", "publish", "close"],
    Project.Status.IN_PROGRESS: ["submit", "approve", "publish", "close", "start"],
    Project.Status.COMPLETED: ["submit", "approve", "publish", "close", "start", "complete"],
    Project.Status.CANCELLED: ["cancel"],
}


def project_in(status: str, **kwargs) -> tuple[Project, object, object]:
    """A project in `status`, with a host member and a coordinator of its region."""
    project = kwargs.pop("project", None) or ProjectFactory(**kwargs)
    member = HostMemberFactory(organization=project.organization)
    coordinator = CoordinatorFactory(region=project.region)
    steps = {
        "submit": lambda p: project_services.project_submit(project=p, actor=member),
        "request_changes": lambda p: project_services.project_request_changes(
            project=p, actor=coordinator, comment="成果をもう少し具体的に"
        ),
        "approve": lambda p: project_services.project_approve(project=p, actor=coordinator),
        "publish": lambda p: project_services.project_publish(project=p, actor=coordinator),
        "close": lambda p: project_services.project_close(project=p, actor=coordinator),
        "start": lambda p: project_services.project_start(project=p, actor=coordinator),
        "complete": lambda p: project_services.project_complete(project=p, actor=coordinator),
        "cancel": lambda p: project_services.project_cancel(project=p, actor=member),
    }
    for step in PROJECT_PATH[status]:
        project = steps[step](project)
    project.refresh_from_db()
    return project, member, coordinator


APPLICATION_PATH = {
    Application.Status.SUBMITTED: [],
    Application.Status.SCREENING: ["screen"],
    Application.Status.INTERVIEWING: ["screen", "interview"],
    Application.Status.OFFERED: ["screen", "interview", "offer"],
    Application.Status.ACCEPTED: ["screen", "interview", "offer", "accept"],
    Application.Status.REJECTED: ["screen", "reject"],
    Application.Status.WITHDRAWN: ["withdraw"],
    Application.Status.OFFER_DECLINED: ["screen", "interview", "offer", "decline_offer"],
}


def application_in(status: str, project: Project | None = None, student=None):
    """An entry in `status`; returns (application, student, host member, coordinator)."""
    if project is None:
        project, member, coordinator = project_in(Project.Status.PUBLISHED)
    else:
        member = HostMemberFactory(organization=project.organization)
        coordinator = CoordinatorFactory(region=project.region)
    student = student or StudentFactory()
    application = applicant_services.application_submit(
        student=student, project=project, motivation="地域で挑戦したい", consent=True
    )
    s = applicant_services
    steps = {
        "screen": lambda a: s.application_screen(application=a, actor=member),
        "interview": lambda a: s.application_invite_to_interview(application=a, actor=member),
        "offer": lambda a: s.application_offer(application=a, actor=member),
        "accept": lambda a: s.application_accept(application=a, actor=student).application,
        "reject": lambda a: s.application_reject(
            application=a, actor=member, reason="capacity", message="今回は見送ります"
        ),
        "withdraw": lambda a: s.application_withdraw(application=a, actor=student),
        "decline_offer": lambda a: s.application_decline_offer(application=a, actor=student),
    }
    for step in APPLICATION_PATH[status]:
        application = steps[step](application)
    application.refresh_from_db()
    return application, student, member, coordinator


def interview_in(status: str):
    """An interview in `status`; returns (interview, student, host member, coordinator)."""
    application, student, member, coordinator = application_in(Application.Status.INTERVIEWING)
    start = timezone.now() + dt.timedelta(days=3)
    interview = applicant_services.interview_propose(
        application=application,
        actor=member,
        slots=[
            (start, start + dt.timedelta(hours=1)),
            (start + dt.timedelta(days=1), start + dt.timedelta(days=1, hours=1)),
        ],
        mode=Interview.Mode.ONLINE,
        meeting_url="https://meet.example.jp/abc",
    )
    s = applicant_services
    if status != Interview.Status.PROPOSED:
        if status == Interview.Status.CANCELLED:
            interview = s.interview_cancel(interview=interview, actor=member)
        else:
            slot = interview.slots.first()
            interview = s.interview_schedule(interview=interview, actor=student, slot=slot)
            if status == Interview.Status.COMPLETED:
                interview = s.interview_complete(interview=interview, actor=member)
            elif status == Interview.Status.NO_SHOW:
                interview = s.interview_mark_no_show(interview=interview, actor=member)
    interview.refresh_from_db()
    return interview, student, member, coordinator


def placement_in(status: str):
    """A placement in `status`; returns (placement, student, host member, coordinator)."""
    application, student, member, coordinator = application_in(Application.Status.ACCEPTED)
    placement = application.placement
    s = applicant_services
    if status in (Placement.Status.ACTIVE, Placement.Status.COMPLETED):
        placement = s.placement_activate(placement=placement, actor=coordinator)
    if status == Placement.Status.COMPLETED:
        placement = s.placement_complete(placement=placement, actor=coordinator)
    if status == Placement.Status.ENDED_EARLY:
        placement = s.placement_end_early(
            placement=placement, actor=coordinator, reason="体調不良のため"
        )
    placement.refresh_from_db()
    return placement, student, member, coordinator
