"""The host's pages: dashboard, project forms, preview, submission and versions."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts.services import InvitationInvalid, invitation_read, user_create
from accounts.workflow import InvalidTransition, TransitionNotAllowed
from programs.selectors import flow_steps

from .. import selectors, services
from ..forms import InvitationSignupForm, ProjectForm
from ..models import HostOrganization, Project, ProjectVersion
from .public import project_page_context


def _host_project(request, pk: int) -> Project:
    """The project if the user is a member of its organisation; 404 otherwise."""
    return get_object_or_404(selectors.host_projects(request.user), pk=pk)


# Projects that are over: on the dashboard after those still under way.
FINISHED_STATES = (Project.Status.COMPLETED, Project.Status.CANCELLED)
DASHBOARD_PAGE_SIZE = 20


class HostDashboardView(LoginRequiredMixin, View):
    template_name = "projects/host/dashboard.html"

    def get(self, request):
        organizations = list(HostOrganization.objects.filter(memberships__user=request.user))
        if not organizations:
            raise Http404
        projects = list(selectors.host_projects(request.user))
        counts = selectors.application_counts([p.pk for p in projects])
        labels = selectors.application_status_labels()
        # Projects still under way first, finished ones (completed, cancelled) after them; a
        # host with years of projects pages through them instead of one endless page.
        ordered = sorted(projects, key=lambda p: p.status in FINISHED_STATES)
        page = Paginator(ordered, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [
            {
                "project": p,
                "step": selectors.PROJECT_STEP.get(p.status),
                "counts": {labels.get(k, k): n for k, n in counts.get(p.pk, {}).items()},
                "total": sum(counts.get(p.pk, {}).values()),
                "can_copy": p.status not in services.EDITABLE_STATES,
            }
            for p in page
        ]
        return render(
            request,
            self.template_name,
            {
                "organizations": organizations,
                "rows": rows,
                "page": page,
                "waiting": selectors.host_waiting(projects=projects, counts=counts),
                "steps": flow_steps(),
            },
        )


class ProjectCreateView(LoginRequiredMixin, View):
    template_name = "projects/host/project_form.html"

    def _organization(self, request, organization_id: int) -> HostOrganization:
        return get_object_or_404(
            HostOrganization.objects.filter(memberships__user=request.user), pk=organization_id
        )

    def get(self, request, organization_id: int):
        organization = self._organization(request, organization_id)
        return render(
            request, self.template_name, {"form": ProjectForm(), "organization": organization}
        )

    def post(self, request, organization_id: int):
        organization = self._organization(request, organization_id)
        form = ProjectForm(request.POST)
        if not form.is_valid():
            context = {"form": form, "organization": organization}
            return render(request, self.template_name, context, status=400)
        data = dict(form.cleaned_data)
        project = services.project_create(
            organization=organization, actor=request.user, title=data.pop("title"), **data
        )
        messages.success(request, _("The draft was saved."))
        return redirect("projects:host-project-edit", pk=project.pk)


class ProjectUpdateView(LoginRequiredMixin, View):
    template_name = "projects/host/project_form.html"

    def _context(self, project, form):
        comment = (
            project.status_changes.filter(to_status=Project.Status.CHANGES_REQUESTED)
            .order_by("-created_at")
            .values_list("note", flat=True)
            .first()
        )
        return {
            "form": form,
            "project": project,
            "organization": project.organization,
            "editable": project.status in services.EDITABLE_STATES,
            "review_comment": comment if project.status == Project.Status.CHANGES_REQUESTED else "",
            "step": selectors.PROJECT_STEP.get(project.status),
            "steps": flow_steps(),
        }

    def get(self, request, pk: int):
        project = _host_project(request, pk)
        return render(
            request, self.template_name, self._context(project, ProjectForm(instance=project))
        )

    def post(self, request, pk: int):
        project = _host_project(request, pk)
        form = ProjectForm(request.POST, instance=Project.objects.get(pk=project.pk))
        if not form.is_valid():
            return render(request, self.template_name, self._context(project, form), status=400)
        try:
            services.project_update(project=project, actor=request.user, **form.cleaned_data)
        except services.ProjectLocked:
            form.add_error(
                None, _("This project is under review or published: it cannot be edited now.")
            )
            return render(request, self.template_name, self._context(project, form), status=409)
        messages.success(request, _("The draft was saved."))
        return redirect("projects:host-project-edit", pk=project.pk)


class ProjectPreviewView(LoginRequiredMixin, View):
    """The project as its public page will show it, with a banner saying it is a preview."""

    def get(self, request, pk: int):
        project = _host_project(request, pk)
        response = render(
            request,
            "projects/public/project_detail.html",
            project_page_context(project, preview=True),
        )
        # Its address is not a public page: no crawler that finds it should keep it.
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class ProjectSubmitView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        project = _host_project(request, pk)
        try:
            services.project_submit(project=project, actor=request.user)
        except (InvalidTransition, TransitionNotAllowed):
            messages.error(request, _("This project cannot be submitted in its current state."))
        else:
            messages.success(
                request, _("Submitted. The region's coordinators will review it and reply here.")
            )
        return redirect("projects:host-project-edit", pk=project.pk)


def _reason(request) -> str:
    """A free-text reason from a POST, cleaned as a form field would be (no NUL, bounded)."""
    field = forms.CharField(max_length=1000, required=False)
    try:
        return field.clean(request.POST.get("reason", ""))
    except forms.ValidationError:
        return ""


class ProjectCancelView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        project = _host_project(request, pk)
        try:
            services.project_cancel(project=project, actor=request.user, reason=_reason(request))
        except (InvalidTransition, TransitionNotAllowed):
            messages.error(request, _("Only a coordinator can cancel a project after approval."))
        else:
            messages.success(request, _("The project was cancelled."))
        return redirect("projects:host-dashboard")


class ProjectCopyView(LoginRequiredMixin, View):
    """Start the next project from a past one (steps 4 to 8 repeat)."""

    def post(self, request, pk: int):
        source = _host_project(request, pk)
        try:
            project = services.project_copy(source=source, actor=request.user)
        except InvalidTransition:
            # The dashboard offers no copy of a draft: it is still being edited.
            messages.error(request, _("This draft is still being edited: change it instead."))
            return redirect("projects:host-project-edit", pk=source.pk)
        messages.success(
            request, _("A new draft was made from “%(title)s”.") % {"title": source.title}
        )
        return redirect("projects:host-project-edit", pk=project.pk)


class ProjectVersionsView(LoginRequiredMixin, View):
    """Every submitted version, and a field-by-field comparison of two of them."""

    template_name = "projects/host/project_versions.html"

    def get(self, request, pk: int):
        project = _host_project(request, pk)
        versions = list(
            ProjectVersion.objects.filter(project=project).select_related("submitted_by")
        )
        by_number = {v.number: v for v in versions}
        diff = []
        a, b = request.GET.get("a"), request.GET.get("b")
        if versions and (a or b):
            try:
                left, right = by_number[int(a)], by_number[int(b)]
            except (KeyError, TypeError, ValueError):
                raise Http404 from None
            diff = selectors.version_diff(left.data, right.data)
        elif len(versions) >= 2:
            left, right = versions[-2], versions[-1]
            diff = selectors.version_diff(left.data, right.data)
        else:
            left = right = None
        return render(
            request,
            self.template_name,
            {"project": project, "versions": versions, "left": left, "right": right, "diff": diff},
        )


class InvitationAcceptView(View):
    """A host contact's invitation link: create the account (or use the signed-in one) and
    become a member of the organisation."""

    template_name = "projects/host/invitation_accept.html"

    def _invitation(self, token: str):
        try:
            return invitation_read(token)
        except InvitationInvalid:
            return None

    def get(self, request, token: str):
        invitation = self._invitation(token)
        if invitation is None:
            return render(request, self.template_name, {"invalid": True}, status=404)
        form = (
            None if request.user.is_authenticated else InvitationSignupForm(email=invitation.email)
        )
        return render(request, self.template_name, {"invitation": invitation, "form": form})

    def post(self, request, token: str):
        invitation = self._invitation(token)
        if invitation is None:
            return render(request, self.template_name, {"invalid": True}, status=404)
        user = request.user
        if not user.is_authenticated:
            form = InvitationSignupForm(request.POST, email=invitation.email)
            if not form.is_valid():
                context = {"invitation": invitation, "form": form}
                return render(request, self.template_name, context, status=400)
            user = user_create(
                email=invitation.email,
                password=form.cleaned_data["password2"],
                name=form.cleaned_data["name"],
                name_kana=form.cleaned_data["name_kana"],
                language=request.LANGUAGE_CODE,
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        try:
            services.host_invitation_accept(token=token, user=user)
        except InvitationInvalid:
            context = {"invitation": invitation, "wrong_account": True}
            return render(request, self.template_name, context, status=403)
        messages.success(request, _("Welcome! You can now design your organisation's projects."))
        return redirect("projects:host-dashboard")
