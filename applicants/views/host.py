"""The host's side of step 6: entries by project, screening, interviews and offers."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views import View

from accounts.workflow import InvalidTransition, TransitionNotAllowed
from programs.selectors import flow_steps
from projects.models import Project

from .. import cards, selectors, services
from ..forms_host import (
    EntryDeclineForm,
    InterviewCancelForm,
    InterviewFeedbackForm,
    InterviewProposeForm,
    InterviewScheduleForm,
)
from ..models import Application, Interview, StudentProfile

PAGE_SIZE = 20

# The moves the host side makes from the detail page, in the order they are offered.
HOST_ACTIONS = (
    Application.Status.SCREENING,
    Application.Status.INTERVIEWING,
    Application.Status.OFFERED,
    Application.Status.REJECTED,
)

PROFILE_FIELDS = (
    "university",
    "faculty",
    "year",
    "graduation_year",
    "hometown",
    "current_residence",
    "phone",
    "leave_of_absence",
    "can_commute",
    "commute_days_per_week",
    "can_reside",
    "can_work_remotely",
    "skills",
    "bio",
    "portfolio_url",
)


def _refused(request, application: Application, error: Exception) -> None:
    """Tell the user, in their language, why the service refused the move."""
    if isinstance(error, TransitionNotAllowed):
        messages.error(request, _("You may not do this for this entry."))
    else:
        messages.error(
            request,
            _("This cannot be done while the entry is “%(status)s”.")
            % {"status": application.get_status_display()},
        )


def _interview_refused(request, interview: Interview, error: Exception) -> None:
    if isinstance(error, TransitionNotAllowed):
        messages.error(request, _("You may not do this for this interview."))
    else:
        messages.error(
            request,
            _("This cannot be done while the interview is “%(status)s”.")
            % {"status": interview.get_status_display()},
        )


def _detail_url(application_id: int, anchor: str = "") -> str:
    url = reverse("applicants:host-entry-detail", args=[application_id])
    return f"{url}#{anchor}" if anchor else url


def _profile_rows(profile: StudentProfile | None) -> list[dict]:
    if profile is None:
        return []
    rows = []
    for name in PROFILE_FIELDS:
        field = StudentProfile._meta.get_field(name)
        value = getattr(profile, name)
        if field.choices:
            value = getattr(profile, f"get_{name}_display")()
        elif isinstance(value, bool):
            value = pgettext("profile answer", "Yes") if value else pgettext("profile answer", "No")
        rows.append(
            {
                "label": capfirst(field.verbose_name),
                "value": value,
                "is_url": name == "portfolio_url",
                "long": name in ("skills", "bio"),
            }
        )
    return rows


def _interview_rows(request, application: Application, bound: dict) -> list[dict]:
    """Each interview with its forms; `bound` holds the one form that failed, by (kind, pk)."""
    rows = []
    for interview in application.interviews.all():
        feedback = {f.author_id: f for f in interview.feedback.all()}
        participants = list(interview.participants.all())
        by_interviewer = [(p, feedback.pop(p.pk, None)) for p in participants]
        by_interviewer += [(f.author, f) for f in feedback.values()]
        mine = next((f for u, f in by_interviewer if f and u.pk == request.user.pk), None)
        initial = {"recommendation": mine.recommendation, "notes": mine.notes} if mine else None
        pk = interview.pk
        rows.append(
            {
                "interview": interview,
                "slots": list(interview.slots.all()),
                "participants": participants,
                "feedback": by_interviewer,
                "schedule_form": bound.get(("schedule", pk))
                or InterviewScheduleForm(prefix=f"schedule-{pk}"),
                "cancel_form": bound.get(("cancel", pk))
                or InterviewCancelForm(prefix=f"cancel-{pk}"),
                "feedback_form": bound.get(("feedback", pk))
                or InterviewFeedbackForm(prefix=f"feedback-{pk}", initial=initial),
                "can_schedule": interview.can_transition_to(Interview.Status.SCHEDULED),
                "can_finish": interview.can_transition_to(Interview.Status.COMPLETED),
                "can_cancel": interview.can_transition_to(Interview.Status.CANCELLED),
                "takes_feedback": interview.status
                in (Interview.Status.SCHEDULED, Interview.Status.COMPLETED),
            }
        )
    return rows


def _propose_form(application: Application, data=None) -> InterviewProposeForm:
    members = selectors.organization_members(application.project.organization_id)
    initial = {"mode": Interview.Mode.ONLINE}
    return InterviewProposeForm(data, members=members, prefix="propose", initial=initial)


def _render_detail(
    request,
    application: Application,
    *,
    status: int = 200,
    decline_form: EntryDeclineForm | None = None,
    propose_form: InterviewProposeForm | None = None,
    interview_forms: dict | None = None,
):
    """The detail page; a form that failed is passed in and shown with its errors."""
    targets = Application.TRANSITIONS.targets(application.status)
    actions = [t for t in HOST_ACTIONS if t in targets]
    labels = dict(Application.Status.choices)
    history = [
        {
            "change": change,
            "from_label": labels.get(change.from_status, ""),
            "to_label": labels.get(change.to_status, change.to_status),
        }
        for change in application.status_changes.all()
    ]
    interviewing = application.status == Application.Status.INTERVIEWING
    if propose_form is None and interviewing:
        propose_form = _propose_form(application)
    profile = getattr(application.student, "student_profile", None)
    context = {
        "application": application,
        "project": application.project,
        "profile_rows": _profile_rows(profile),
        "files": list(application.files.all()),
        "history": history,
        "actions": actions,
        "decline_form": decline_form or EntryDeclineForm(prefix="decline"),
        "interviews": _interview_rows(request, application, interview_forms or {}),
        "propose_form": propose_form,
        "step": selectors.entry_step(application),
        "steps": flow_steps(),
    }
    return render(request, "applicants/host/entry_detail.html", context, status=status)


def _entry_for_detail(request, pk: int) -> Application:
    return get_object_or_404(selectors.host_entry_detail(request.user), pk=pk)


def _entry(request, pk: int) -> Application:
    """The entry if the user is on its host side; 404 otherwise."""
    return get_object_or_404(selectors.host_side_applications(request.user), pk=pk)


def _interview(request, pk: int) -> Interview:
    """The interview if the user is on its entry's host side; 404 otherwise."""
    return get_object_or_404(selectors.host_side_interviews(request.user), pk=pk)


class EntryListView(LoginRequiredMixin, View):
    """One project's entries, filtered by status, 20 a page.

    The list (filters, table and pages) is kept as HTML until an entry, the project or an
    entrant it shows changes (applicants/cards.py), looked up only once the project has
    passed the access check.
    """

    template_name = "applicants/host/entry_list.html"

    def get(self, request, pk: int):
        project = get_object_or_404(selectors.host_side_projects(request.user), pk=pk)
        status = request.GET.get("status", "")
        if status not in Application.Status.values:
            status = ""
        page_number = request.GET.get("page") or "1"
        key = None
        if page_number.isdigit() and len(page_number) <= 6:
            key = cards.html_key(
                "host-entries",
                cards.project_version_key(project.pk),
                project.pk,
                status,
                page_number,
            )
        entries_html = cards.cached_html(
            key,
            lambda: render_to_string(
                self.template_name + "#entries",
                _entry_list_context(project, status, page_number),
                request,
            ),
        )
        # htmx swaps only the list; a history restore needs the whole page.
        if request.headers.get("HX-Request") and not request.headers.get(
            "HX-History-Restore-Request"
        ):
            return HttpResponse(entries_html)
        return render(
            request, self.template_name, {"project": project, "entries_html": entries_html}
        )


def _entry_list_context(project: Project, status: str, page_number: str) -> dict:
    counts = selectors.host_entry_status_counts(project=project)
    entries = selectors.host_entry_list(project=project, status=status or None)
    page = Paginator(entries, PAGE_SIZE).get_page(page_number)
    return {
        "project": project,
        "page": page,
        "entries": list(page.object_list),
        "status": status,
        "filters": [
            {"value": value, "label": label, "count": counts.get(value, 0)}
            for value, label in Application.Status.choices
        ],
        "total": sum(counts.values()),
    }


class EntryDetailView(LoginRequiredMixin, View):
    """The student's profile, entry, files, history and interviews, with the open actions."""

    def get(self, request, pk: int):
        return _render_detail(request, _entry_for_detail(request, pk))


class _EntryMoveView(LoginRequiredMixin, View):
    """POST only: one host-side move of an entry through its service, then back to the entry."""

    service = None
    success_message = ""

    def post(self, request, pk: int):
        application = _entry(request, pk)
        try:
            self.service(application=application, actor=request.user)
        except (InvalidTransition, TransitionNotAllowed) as error:
            _refused(request, application, error)
        else:
            messages.success(request, str(self.success_message))
        return redirect(_detail_url(application.pk))


class EntryScreenView(_EntryMoveView):
    service = staticmethod(services.application_screen)
    success_message = gettext_lazy("Screening has started. The student was told by email.")


class EntryInviteView(_EntryMoveView):
    service = staticmethod(services.application_invite_to_interview)
    success_message = gettext_lazy(
        "The student was invited to interviews. Propose times in the interviews section."
    )


class EntryOfferView(_EntryMoveView):
    service = staticmethod(services.application_offer)
    success_message = gettext_lazy(
        "The offer was sent. The place is agreed when the student accepts it."
    )


class EntryDeclineView(LoginRequiredMixin, View):
    """Decline (見送り) with a reason from the list and a message the student receives."""

    def post(self, request, pk: int):
        application = _entry(request, pk)
        form = EntryDeclineForm(request.POST, prefix="decline")
        if not form.is_valid():
            application = _entry_for_detail(request, pk)
            return _render_detail(request, application, status=400, decline_form=form)
        try:
            services.application_reject(
                application=application,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
            )
        except (InvalidTransition, TransitionNotAllowed) as error:
            _refused(request, application, error)
        else:
            messages.success(request, _("The entry was declined and the student was told."))
        return redirect(_detail_url(application.pk))


class InterviewProposeView(LoginRequiredMixin, View):
    """Offer the student up to five times; nothing is written unless every field is right."""

    def post(self, request, pk: int):
        application = _entry(request, pk)
        form = _propose_form(application, request.POST)
        if not form.is_valid():
            application = _entry_for_detail(request, pk)
            return _render_detail(request, application, status=400, propose_form=form)
        data = form.cleaned_data
        try:
            interview = services.interview_propose(
                application=application,
                actor=request.user,
                slots=data["slots"],
                mode=data["mode"],
                meeting_url=data["meeting_url"],
                place=data["place"],
                interviewers=list(data["interviewers"]),
            )
        except (InvalidTransition, TransitionNotAllowed) as error:
            _refused(request, application, error)
            return redirect(_detail_url(application.pk))
        messages.success(
            request, _("The times were sent to the student, who will choose one of them.")
        )
        return redirect(_detail_url(application.pk, f"interview-{interview.pk}"))


class _InterviewFormView(LoginRequiredMixin, View):
    """POST only: a form on one interview; a bad one shows the entry page with its errors."""

    kind = ""
    form_class = None

    def act(self, request, interview: Interview, data: dict) -> str:
        raise NotImplementedError

    def post(self, request, pk: int):
        interview = _interview(request, pk)
        application_id = interview.application_id
        form = self.form_class(request.POST, prefix=f"{self.kind}-{pk}")
        if not form.is_valid():
            application = _entry_for_detail(request, application_id)
            forms = {(self.kind, interview.pk): form}
            return _render_detail(request, application, status=400, interview_forms=forms)
        try:
            message = self.act(request, interview, form.cleaned_data)
        except (InvalidTransition, TransitionNotAllowed) as error:
            _interview_refused(request, interview, error)
        else:
            messages.success(request, message)
        return redirect(_detail_url(application_id, f"interview-{interview.pk}"))


class InterviewScheduleView(_InterviewFormView):
    """Set the time of a proposed interview directly; the student and the interviewers get an
    invitation (.ics)."""

    kind = "schedule"
    form_class = InterviewScheduleForm

    def act(self, request, interview, data):
        services.interview_schedule(
            interview=interview,
            actor=request.user,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
        )
        return _("The time was set. The student and the interviewers received an invitation.")


class InterviewCancelView(_InterviewFormView):
    kind = "cancel"
    form_class = InterviewCancelForm

    def act(self, request, interview, data):
        services.interview_cancel(interview=interview, actor=request.user, reason=data["reason"])
        return _("The interview was cancelled. The student and the interviewers were told.")


class InterviewFeedbackView(_InterviewFormView):
    """Each interviewer's own recommendation and notes (a second save replaces the first)."""

    kind = "feedback"
    form_class = InterviewFeedbackForm

    def act(self, request, interview, data):
        services.interview_feedback_record(
            interview=interview,
            author=request.user,
            recommendation=data["recommendation"],
            notes=data["notes"],
        )
        return _("Your feedback was saved.")


class _InterviewMoveView(LoginRequiredMixin, View):
    """POST only: one move of an interview through its service, then back to the entry."""

    service = None
    success_message = ""

    def post(self, request, pk: int):
        interview = _interview(request, pk)
        try:
            self.service(interview=interview, actor=request.user)
        except (InvalidTransition, TransitionNotAllowed) as error:
            _interview_refused(request, interview, error)
        else:
            messages.success(request, str(self.success_message))
        return redirect(_detail_url(interview.application_id, f"interview-{interview.pk}"))


class InterviewCompleteView(_InterviewMoveView):
    service = staticmethod(services.interview_complete)
    success_message = gettext_lazy("The interview is marked as held. Record your feedback.")


class InterviewNoShowView(_InterviewMoveView):
    service = staticmethod(services.interview_mark_no_show)
    success_message = gettext_lazy("The interview is marked as a no-show.")
