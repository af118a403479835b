"""Public pages of the programme, the pamphlet (step 1) and the inquiry form (step 2)."""

import datetime as dt
import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.adapter import client_ip

from . import selectors, services
from .files import PDF_CONTENT_TYPE, PDF_MAGIC, is_pdf, pamphlet_download_name
from .forms import InquiryForm, PamphletRequestForm
from .pamphlet_text import parse_body

logger = logging.getLogger(__name__)

# ------------------------------------------------------------------------------
# Information pages
# ------------------------------------------------------------------------------


class HomeView(TemplateView):
    template_name = "programs/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["steps"] = selectors.flow_steps()
        context["regions"] = selectors.region_list()
        context["values"] = selectors.PROGRAMME_VALUES
        context["styles"] = selectors.PARTICIPATION_STYLES
        return context


class ForHostsView(TemplateView):
    template_name = "programs/for_hosts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["steps"] = selectors.flow_steps()
        context["host_time"] = selectors.HOST_TIME
        context["coordinator_role"] = selectors.COORDINATOR_ROLE
        context["regions"] = selectors.region_list()
        return context


class ForStudentsView(TemplateView):
    template_name = "programs/for_students.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["styles"] = selectors.PARTICIPATION_STYLES
        context["regions"] = selectors.region_list()
        return context


class PrivacyView(TemplateView):
    template_name = "programs/privacy.html"
    # Change with the text of templates/programs/privacy.html.
    updated_on = dt.date(2026, 11, 26)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["updated_on"] = self.updated_on
        return context


# ------------------------------------------------------------------------------
# Step 1: the pamphlet
# ------------------------------------------------------------------------------

SHIPPED_PAMPHLET = "pamphlet/hokkaido-challenge-pamphlet-{language}.pdf"


def _request_language(request) -> str:
    """The page's language, or the one a link in an email asks for (?lang=en)."""
    supported = dict(settings.LANGUAGES)
    asked = request.GET.get("lang")
    if asked in supported:
        return asked
    language = get_language()
    return language if language in supported else settings.LANGUAGE_CODE


class PamphletReadView(TemplateView):
    template_name = "programs/pamphlet.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pamphlet = selectors.current_pamphlet(language=_request_language(self.request))
        # The newest current version's own text, when it has one; else the built-in text.
        blocks = parse_body(pamphlet.body) if pamphlet is not None else []
        context.update(
            pamphlet=pamphlet,
            body_blocks=blocks,
            body_contents=[block for block in blocks if block.kind == "heading"],
            intro=selectors.PAMPHLET_INTRO,
            national=selectors.PAMPHLET_NATIONAL,
            values=selectors.PROGRAMME_VALUES,
            styles=selectors.PARTICIPATION_STYLES,
            steps=selectors.flow_steps(),
            host_time=selectors.HOST_TIME,
            examples=selectors.REGION_EXAMPLES,
            coordinator_intro=selectors.COORDINATOR_INTRO,
            coordinator_role=selectors.COORDINATOR_ROLE,
            voices=selectors.VOICES,
        )
        return context


class PamphletDownloadView(View):
    """The newest current uploaded PDF of the language, else the one the platform ships."""

    def get(self, request):
        language = _request_language(request)
        pamphlet = selectors.current_pamphlet(language=language)
        if pamphlet is not None:
            handle = _open_pdf(pamphlet)
            if handle is not None:
                return _attachment(
                    handle, pamphlet_download_name(language=language, version=pamphlet.version)
                )
        shipped = finders.find(SHIPPED_PAMPHLET.format(language=language))
        if not shipped:
            raise Http404("no pamphlet in this language")
        return _attachment(
            open(shipped, "rb"),  # FileResponse closes it
            Path(shipped).name,
        )


def _open_pdf(pamphlet):
    """The uploaded file, open at its start, if it is there and is a PDF; else None (and the
    shipped PDF is served instead)."""
    try:
        handle = pamphlet.file.open("rb")
    except OSError:
        return None  # the row outlived its file
    head = handle.read(len(PDF_MAGIC))
    if not is_pdf(head):
        # Uploaded before the admin checked files: never serve what is not a PDF.
        logger.warning("pamphlet %s is not a PDF; serving the shipped one", pamphlet.pk)
        handle.close()
        return None
    handle.seek(0)
    return handle


def _attachment(handle, filename: str) -> FileResponse:
    # Only PDFs are served here, whatever a stored name says.
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=PDF_CONTENT_TYPE
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-cache"
    return response


# ------------------------------------------------------------------------------
# The two forms, with a honeypot and a rate limit per email address and per IP
# ------------------------------------------------------------------------------

RATE_WINDOW_SECONDS = 60 * 60
RATE_LIMIT_PER_EMAIL = 3
RATE_LIMIT_PER_IP = 10


def rate_limit_hit(*, scope: str, email: str, ip: str) -> bool:
    """Count one submission for the address and the IP; True when either is over its limit.

    A fixed window that starts with the first submission; the counters live in the cache,
    shared by every web process when the cache is Redis.
    """
    over = False
    for kind, value, limit in (
        ("email", email.strip().lower(), RATE_LIMIT_PER_EMAIL),
        ("ip", ip, RATE_LIMIT_PER_IP),
    ):
        if not value:
            continue
        key = f"ratelimit:{scope}:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"
        cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
            count = 1
        over = over or count > limit
    return over


RATE_LIMIT_MESSAGE = _(
    "We have received several messages from this email address or network within the last "
    "hour. Please try again in an hour. What you typed is still here."
)


class GuardedFormView(FormView):
    """Thanks a bot that filled the honeypot without writing anything; refuses a sender over
    the rate limit with the form as typed; otherwise calls `submit` and redirects.

    The thank-you page is the same for every address: saying whether an address has stopped
    our emails would tell anyone who types it in.
    """

    rate_scope: str

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_spam():
            return HttpResponseRedirect(self.get_success_url())
        if not form.is_valid():
            return self.form_invalid(form)
        email = form.cleaned_data["email"]
        if rate_limit_hit(scope=self.rate_scope, email=email, ip=client_ip(request)):
            form.add_error(None, RATE_LIMIT_MESSAGE)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        self.submit(form.cleaned_data)
        return HttpResponseRedirect(self.get_success_url())

    def submit(self, data: dict) -> None:
        raise NotImplementedError


class PamphletRequestCreateView(GuardedFormView):
    template_name = "programs/pamphlet_request_form.html"
    form_class = PamphletRequestForm
    success_url = reverse_lazy("programs:pamphlet-request-done")
    rate_scope = "pamphlet"

    def submit(self, data: dict) -> None:
        language = _request_language(self.request)
        services.lead_create(
            organization_name=data["organization_name"],
            organization_kind=data["organization_kind"],
            contact_name=data["contact_name"],
            email=data["email"],
            phone=data["phone"],
            region=data["region"],
            consent=data["consent"],
            language=language,
            download_url=(
                f"{settings.SITE_URL}{reverse('programs:pamphlet-download')}?lang={language}"
            ),
        )


class PamphletRequestDoneView(TemplateView):
    template_name = "programs/pamphlet_request_done.html"


class InquiryCreateView(GuardedFormView):
    template_name = "programs/inquiry_form.html"
    form_class = InquiryForm
    success_url = reverse_lazy("programs:inquiry-done")
    rate_scope = "inquiry"

    def get_initial(self):
        initial = super().get_initial()
        kind = self.request.GET.get("kind")
        if kind in dict(InquiryForm.base_fields["kind"].choices):
            initial["kind"] = kind
        return initial

    def submit(self, data: dict) -> None:
        services.inquiry_create(
            kind=data["kind"],
            name=data["name"],
            email=data["email"],
            message=data["message"],
            region=data["region"],
            organization_name=data["organization_name"],
            phone=data["phone"],
            language=_request_language(self.request),
        )


class InquiryDoneView(TemplateView):
    template_name = "programs/inquiry_done.html"
