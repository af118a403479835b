"""The student's pages: profile, entry, My page, offers, interviews, files and personal data."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import View

from accounts.services import user_update
from accounts.workflow import InvalidTransition, TransitionNotAllowed
from notifications.calendar import build_ics
from programs.selectors import flow_steps
from projects.models import Project

from .. import cards, selectors, services
from ..forms import AcceptOfferForm, EntryForm, PreAssignmentForm, ProfileForm, ReasonForm
from ..models import Application, ApplicationFile, Interview, InterviewSlot, StudentProfile

REFUSED = (InvalidTransition, TransitionNotAllowed)
# What My page's cards read of an entry, its project, host, region and placement
# (`_next_action`, `selectors.entry_step` and the template).
MY_PAGE_FIELDS = (
    "status",
    "created_at",
    "pre_assignment_submitted_at",
    "project__title",
    "project__pre_assignment_brief",
    "project__pre_assignment_deadline",
    "project__starts_on",
    "project__organization__name",
    "project__region__name",
    "placement__status",
)


def _own_entry(request, pk: int) -> Application:
    """The student's own entry; anyone else's gives 404."""
    return get_object_or_404(
        Application.objects.select_related("project__organization", "project__region"),
        pk=pk,
        student=request.user,
    )


class ProfileView(LoginRequiredMixin, View):
    template_name = "applicants/profile_form.html"

    def _profile(self, user) -> StudentProfile:
        return StudentProfile.objects.filter(user=user).first() or StudentProfile(user=user)

    def get(self, request):
        profile = self._profile(request.user)
        form = ProfileForm(instance=profile, user=request.user)
        return render(request, self.template_name, {"form": form, "profile": profile})

    def post(self, request):
        profile = self._profile(request.user)
        form = ProfileForm(request.POST, instance=profile, user=request.user)
        if not form.is_valid():
            context = {"form": form, "profile": profile}
            return render(request, self.template_name, context, status=400)
        with transaction.atomic():
            services.student_profile_save(profile=form.save(commit=False), actor=request.user)
            user_update(
                user=request.user,
                name=form.cleaned_data["name"],
                name_kana=form.cleaned_data["name_kana"],
                preferred_language=form.cleaned_data["preferred_language"],
            )
        messages.success(request, _("Your profile was saved."))
        target = request.GET.get("next", "")
        if target.startswith("/") and not target.startswith("//"):
            return redirect(target)
        return redirect("applicants:profile")


class EntryCreateView(LoginRequiredMixin, View):
    """The entry form of a published project; a closed project refuses, also a direct POST."""

    template_name = "applicants/entry_form.html"

    def _project(self, pk: int) -> Project:
        # Only published or closed projects have a public page to enter from.
        return get_object_or_404(
            Project.objects.select_related("organization", "region"),
            pk=pk,
            status__in=[Project.Status.PUBLISHED, Project.Status.CLOSED],
        )

    def _context(self, project, form, **extra):
        profile = StudentProfile.objects.filter(user=self.request.user).first()
        missing = profile.missing_for_entry if profile else list(StudentProfile.REQUIRED_FOR_ENTRY)
        labels = [str(StudentProfile._meta.get_field(f).verbose_name) for f in missing]
        existing = Application.objects.filter(student=self.request.user, project=project).first()
        return {"project": project, "form": form, "missing": labels, "existing": existing, **extra}

    def get(self, request, pk: int):
        project = self._project(pk)
        form = EntryForm(project=project)
        return render(request, self.template_name, self._context(project, form))

    def post(self, request, pk: int):
        project = self._project(pk)
        form = EntryForm(request.POST, request.FILES, project=project)
        if not form.is_valid():
            return render(request, self.template_name, self._context(project, form), status=400)
        try:
            with transaction.atomic():
                application = services.application_submit(
                    student=request.user,
                    project=project,
                    motivation=form.cleaned_data["motivation"],
                    answer=form.cleaned_data.get("answer", ""),
                    consent=form.cleaned_data["consent"],
                )
                if form.cleaned_data.get("files"):
                    services.application_pre_assignment_submit(
                        application=application,
                        actor=request.user,
                        answer="",
                        files=form.cleaned_data["files"],
                    )
        except services.EntryNotOpen:
            form.add_error(None, _("This project does not take entries now."))
            return render(request, self.template_name, self._context(project, form), status=409)
        except services.ProfileIncomplete:
            form.add_error(None, _("Please complete your profile before entering."))
            return render(request, self.template_name, self._context(project, form), status=400)
        messages.success(request, _("Your entry was sent. A confirmation is on its way by email."))
        return redirect("applicants:entry-done", pk=application.pk)


class EntryDoneView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        return render(
            request, "applicants/entry_done.html", {"application": _own_entry(request, pk)}
        )


def _next_action(application: Application) -> tuple[str, object]:
    """What the student should do next, and by when (None if there is no deadline)."""
    project = application.project
    S = Application.Status
    if application.status in (S.SUBMITTED, S.SCREENING):
        if project.pre_assignment_brief and not application.pre_assignment_submitted_at:
            return _("Hand in the pre-assignment"), project.pre_assignment_deadline
        return _("Wait for the host's reply"), None
    if application.status == S.INTERVIEWING:
        interviews = list(application.interviews.all())
        if any(i.status == Interview.Status.PROPOSED for i in interviews):
            return _("Pick an interview time"), None
        upcoming = [i for i in interviews if i.status == Interview.Status.SCHEDULED]
        if upcoming:
            return _("Attend the interview"), upcoming[-1].starts_at
        return _("Wait for interview times"), None
    if application.status == S.OFFERED:
        return _("Accept or decline the offer"), None
    if application.status == S.ACCEPTED:
        return _("Prepare for the start orientation"), project.starts_on
    return "", None


class MyPageView(LoginRequiredMixin, View):
    """The student's entries as cards, each with its step, next action and interviews.

    The cards are kept as HTML until one of the rows they show changes (applicants/cards.py):
    reloading My page costs the header's queries and one cache read.
    """

    template_name = "applicants/my_page.html"

    def get(self, request):
        user = request.user
        key = cards.html_key("my-page", cards.student_version_key(user.pk), user.pk)
        cards_html = cards.cached_html(
            key,
            lambda: render_to_string(
                self.template_name + "#cards", {"rows": _my_page_rows(user)}, request
            ),
        )
        profile = StudentProfile.objects.filter(user=user).first()
        return render(request, self.template_name, {"cards_html": cards_html, "profile": profile})


def _my_page_rows(user) -> list[dict]:
    # My page shows no slots, history or files: of the entry page's prefetches it keeps only
    # the interviews (cancelled ones never show nor decide the next action), and of the rows
    # only the columns the cards read.
    entries = (
        selectors.student_entries(user)
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "interviews",
                queryset=Interview.objects.exclude(status=Interview.Status.CANCELLED)
                .order_by("round")
                .only("pk", "application_id", "round", "status", "starts_at"),
            )
        )
        .only(*MY_PAGE_FIELDS)
    )
    rows = []
    for application in entries:
        action, due = _next_action(application)
        rows.append(
            {
                "application": application,
                "step": selectors.entry_step(application),
                "action": action,
                "due": due,
                "interviews": list(application.interviews.all()),
            }
        )
    return rows


class EntryDetailView(LoginRequiredMixin, View):
    template_name = "applicants/entry_detail.html"

    def get(self, request, pk: int):
        application = get_object_or_404(selectors.student_entries(request.user), pk=pk)
        others = Application.objects.filter(
            student=request.user, status__in=Application.ACTIVE_STATES
        ).exclude(pk=pk)
        action, due = _next_action(application)
        return render(
            request,
            self.template_name,
            {
                "application": application,
                "step": selectors.entry_step(application),
                "steps": flow_steps(),
                "action": action,
                "due": due,
                "accept_form": AcceptOfferForm(others=others.select_related("project")),
                "can_withdraw": application.can_transition_to(Application.Status.WITHDRAWN),
                "pre_assignment_form": PreAssignmentForm(),
            },
        )


class EntryWithdrawView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        application = _own_entry(request, pk)
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.application_withdraw(
                application=application, actor=request.user, reason=reason
            )
        except REFUSED:
            messages.error(request, _("This entry can no longer be withdrawn."))
        else:
            messages.success(request, _("Your entry was withdrawn."))
        return redirect("applicants:entry-detail", pk=pk)


class OfferAcceptView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        application = _own_entry(request, pk)
        others = Application.objects.filter(
            student=request.user, status__in=Application.ACTIVE_STATES
        ).exclude(pk=pk)
        form = AcceptOfferForm(request.POST, others=others.select_related("project"))
        if not form.is_valid():
            messages.error(request, _("Please check your choice."))
            return redirect("applicants:entry-detail", pk=pk)
        try:
            with transaction.atomic():
                services.application_accept(application=application, actor=request.user)
                for other in others.filter(pk__in=form.cleaned_data["withdraw"]):
                    services.application_withdraw(
                        application=other, actor=request.user, reason=_("Accepted another offer")
                    )
        except services.CapacityFull:
            messages.error(
                request,
                _("Sorry: the last place of this project was just taken."),
            )
        except REFUSED:
            messages.error(request, _("This offer can no longer be accepted."))
        else:
            messages.success(request, _("Congratulations! You and the host agreed."))
        return redirect("applicants:entry-detail", pk=pk)


class OfferDeclineView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        application = _own_entry(request, pk)
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.application_decline_offer(
                application=application, actor=request.user, reason=reason
            )
        except REFUSED:
            messages.error(request, _("This offer can no longer be declined."))
        else:
            messages.success(request, _("You declined the offer."))
        return redirect("applicants:entry-detail", pk=pk)


def _own_interview(request, pk: int) -> Interview:
    return get_object_or_404(
        Interview.objects.select_related("application__project"),
        pk=pk,
        application__student=request.user,
    )


class SlotPickView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        interview = _own_interview(request, pk)
        chosen = request.POST.get("slot", "")
        slot = (
            InterviewSlot.objects.filter(interview=interview, pk=int(chosen)).first()
            if chosen.isascii() and chosen.isdigit()
            else None
        )
        if slot is None:
            messages.error(request, _("Please choose one of the proposed times."))
            return redirect("applicants:entry-detail", pk=interview.application_id)
        try:
            services.interview_schedule(interview=interview, actor=request.user, slot=slot)
        except REFUSED:
            messages.error(request, _("This interview's time can no longer be chosen."))
        else:
            messages.success(
                request, _("The interview time is set. An invitation is in your mailbox.")
            )
        return redirect("applicants:entry-detail", pk=interview.application_id)


class NewSlotsRequestView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        interview = _own_interview(request, pk)
        form = ReasonForm(request.POST)
        note = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.interview_request_new_slots(interview=interview, actor=request.user, note=note)
        except REFUSED:
            messages.error(request, _("Other times cannot be asked for now."))
        else:
            messages.success(request, _("The host was asked for other times."))
        return redirect("applicants:entry-detail", pk=interview.application_id)


class InterviewCalendarView(LoginRequiredMixin, View):
    """The interview as an .ics file for the student's calendar."""

    def get(self, request, pk: int):
        interview = _own_interview(request, pk)
        if interview.status != Interview.Status.SCHEDULED or interview.starts_at is None:
            raise Http404
        spec = services.interview_calendar(interview)
        response = HttpResponse(
            build_ics(spec, attendee=request.user.email),
            content_type="text/calendar; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="interview-{interview.pk}.ics"'
        return response


class PreAssignmentView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        application = _own_entry(request, pk)
        form = PreAssignmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.application_pre_assignment_submit(
                    application=application,
                    actor=request.user,
                    answer=form.cleaned_data["answer"],
                    files=form.cleaned_data["files"],
                )
            except services.EntryNotOpen:
                form.add_error(None, _("The pre-assignment deadline has passed."))
            except (ValueError, ValidationError) as exc:
                form.add_error("files", str(exc))
            else:
                messages.success(request, _("Your pre-assignment was handed in."))
                return redirect("applicants:entry-detail", pk=pk)
        application = get_object_or_404(selectors.student_entries(request.user), pk=pk)
        action, due = _next_action(application)
        return render(
            request,
            "applicants/entry_detail.html",
            {
                "application": application,
                "step": selectors.entry_step(application),
                "steps": flow_steps(),
                "action": action,
                "due": due,
                "pre_assignment_form": form,
                "can_withdraw": application.can_transition_to(Application.Status.WITHDRAWN),
            },
            status=400,
        )


class FileDownloadView(LoginRequiredMixin, View):
    """A pre-assignment file, for the student, the host's members and the region's
    coordinators only; anyone else gets 404. Never served inline."""

    def get(self, request, pk: int):
        record = get_object_or_404(
            ApplicationFile.objects.select_related("application__project"), pk=pk
        )
        application = record.application
        if not (
            selectors.is_student_of(request.user, application)
            or selectors.is_host_side(request.user, application)
        ):
            raise Http404
        services.application_file_download_log(record=record, user=request.user)
        response = FileResponse(
            record.file.open("rb"),
            as_attachment=True,
            filename=record.original_name,
            content_type=record.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


class DataExportView(LoginRequiredMixin, View):
    """Everything the platform keeps about the student, as JSON (APPI disclosure)."""

    def get(self, request):
        data = services.student_data_export(user=request.user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2, default=str),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response


class AccountDeleteView(LoginRequiredMixin, View):
    template_name = "applicants/account_delete.html"

    def get(self, request):
        return render(request, self.template_name)

    def post(self, request):
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm."))
            return render(request, self.template_name, status=400)
        services.student_account_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account was deleted."))
        return redirect("programs:home")
