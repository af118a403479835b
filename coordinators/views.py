"""Pages for the parties of a placement: their part of a review, and their survey."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts.workflow import InvalidTransition, TransitionNotAllowed
from projects.models import HostMembership

from . import services
from .forms import ReviewPartForm, SurveyForm
from .models import ReviewSession, SurveyResponse


def _review_for(request, pk: int) -> tuple[ReviewSession, str]:
    """The review and the part the signed-in user writes (student or host); else 404."""
    review = get_object_or_404(
        ReviewSession.objects.select_related(
            "placement__application__project__organization", "placement__application__student"
        ).filter(
            # The host's side through a subquery: a join on the memberships would give one
            # row per member of the host, and get() would find several.
            Q(placement__application__student=request.user)
            | Q(
                placement__application__project__organization__in=HostMembership.objects.filter(
                    user=request.user
                ).values("organization")
            )
        ),
        pk=pk,
    )
    part = "student" if review.placement.application.student_id == request.user.pk else "host"
    return review, part


def _closed(request, review: ReviewSession, part: str, *, via_link: bool, status: int):
    """The party's part as written, read-only: the review no longer takes it (held, or the
    placement is not under way); `status` 409 answers a write."""
    if via_link:
        reason = (
            _("This link no longer takes changes: the review was held.")
            if review.held_at is not None
            else _(
                "This link no longer takes changes: the internship has not started or has ended."
            )
        )
    else:
        reason = (
            _("Your part no longer takes changes: the review was held.")
            if review.held_at is not None
            else _(
                "Your part no longer takes changes: the internship has not started or has ended."
            )
        )
    context = {
        "review": review,
        "part": part,
        "closed": reason,
        "notes": getattr(review, f"{part}_notes"),
    }
    return render(request, "coordinators/review_part.html", context, status=status)


class ReviewPartView(LoginRequiredMixin, View):
    template_name = "coordinators/review_part.html"

    def get(self, request, pk: int):
        review, part = _review_for(request, pk)
        if not review.is_open_for_parts():
            return _closed(request, review, part, via_link=False, status=200)
        form = ReviewPartForm(initial={"notes": getattr(review, f"{part}_notes")})
        return render(request, self.template_name, {"review": review, "form": form, "part": part})

    def post(self, request, pk: int):
        review, part = _review_for(request, pk)
        if not review.is_open_for_parts():
            return _closed(request, review, part, via_link=False, status=409)
        form = ReviewPartForm(request.POST)
        if not form.is_valid():
            context = {"review": review, "form": form, "part": part}
            return render(request, self.template_name, context, status=400)
        try:
            services.review_record(
                review=review, actor=request.user, part=part, notes=form.cleaned_data["notes"]
            )
        except InvalidTransition:
            # Held or ended since the page was read.
            review, part = _review_for(request, pk)
            return _closed(request, review, part, via_link=False, status=409)
        messages.success(request, _("Thank you: your part of the review was saved."))
        return redirect("coordinators:review-part", pk=pk)


class ReviewHostLinkView(View):
    """A host supervisor's part of a review through a signed link, without an account.

    A forged, reissued, revoked or expired link is a 404. A live link to a review that no
    longer takes the host's part shows it read-only and answers a write with 409.
    """

    template_name = "coordinators/review_part.html"

    def _review(self, token: str) -> ReviewSession:
        try:
            return services.review_host_link_read(token)
        except (signing.BadSignature, ReviewSession.DoesNotExist):
            raise Http404 from None

    def get(self, request, token: str):
        review = self._review(token)
        if not review.is_open_for_parts():
            return _closed(request, review, "host", via_link=True, status=200)
        form = ReviewPartForm(initial={"notes": review.host_notes})
        return render(request, self.template_name, {"review": review, "form": form, "part": "host"})

    def post(self, request, token: str):
        review = self._review(token)
        if not review.is_open_for_parts():
            return _closed(request, review, "host", via_link=True, status=409)
        form = ReviewPartForm(request.POST)
        if not form.is_valid():
            context = {"review": review, "form": form, "part": "host"}
            return render(request, self.template_name, context, status=400)
        try:
            services.review_record(
                review=review,
                actor=None,
                part="host",
                notes=form.cleaned_data["notes"],
                via_link=True,
            )
        except TransitionNotAllowed:
            raise Http404 from None  # the link was reissued, revoked or expired meanwhile
        except InvalidTransition:
            review = self._review(token)
            return _closed(request, review, "host", via_link=True, status=409)
        return render(request, self.template_name, {"review": review, "done": True, "part": "host"})


class SurveyAnswerView(LoginRequiredMixin, View):
    template_name = "coordinators/survey_answer.html"

    def _response(self, request, pk: int) -> SurveyResponse:
        return get_object_or_404(
            SurveyResponse.objects.select_related("survey", "placement__application__project"),
            pk=pk,
            respondent=request.user,
        )

    def get(self, request, pk: int):
        response = self._response(request, pk)
        form = SurveyForm(survey=response.survey, initial=response.answers)
        return render(request, self.template_name, {"response": response, "form": form})

    def post(self, request, pk: int):
        response = self._response(request, pk)
        form = SurveyForm(request.POST, survey=response.survey)
        if not form.is_valid():
            context = {"response": response, "form": form}
            return render(request, self.template_name, context, status=400)
        services.survey_answer(response=response, actor=request.user, answers=form.cleaned_data)
        messages.success(request, _("Thank you for answering the survey."))
        return redirect("coordinators:survey-answer", pk=pk)
