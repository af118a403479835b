"""The students' pages: entering a project."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from projects.models import Project

from . import services
from .forms import EntryForm
from .models import Application, StudentProfile


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
        form = EntryForm(request.POST, project=project)
        if not form.is_valid():
            return render(request, self.template_name, self._context(project, form), status=400)
        try:
            application = services.application_submit(
                student=request.user,
                project=project,
                motivation=form.cleaned_data["motivation"],
                answer=form.cleaned_data.get("answer", ""),
                consent=form.cleaned_data["consent"],
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
        application = get_object_or_404(
            Application.objects.select_related("project"), pk=pk, student=request.user
        )
        return render(request, "applicants/entry_done.html", {"application": application})
